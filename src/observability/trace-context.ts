import { randomHex } from '../server/random-hex.js';
import type { RequestContext } from '../pipeline/request-context.js';

/** A W3C trace context (https://www.w3.org/TR/trace-context/), version 00. */
export interface TraceContext {
  traceId: string;
  /** The caller's span id: the parent of ours. */
  parentId: string | null;
  flags: string;
}

/** The request's trace as the gateway takes part in it: the incoming one plus its own span. */
export interface GatewayTrace extends TraceContext {
  /** The gateway's span: the parent the upstream sees, and what the client gets back. */
  spanId: string;
}

const traceparentPattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** Null for a missing or invalid header; all-zero ids and version ff are invalid per the spec. */
export function parseTraceparent(header: string | string[] | undefined): TraceContext | null {
  const text = Array.isArray(header) ? header[0] : header;
  const match = text ? traceparentPattern.exec(text.trim().toLowerCase()) : null;
  if (!match) return null;
  const [, version, traceId, parentId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(parentId)) return null;
  // Version 00 has exactly four fields; later versions may append more, which we ignore.
  if (version === '00' && text!.trim().length !== 55) return null;
  return { traceId, parentId, flags };
}

const traces = new WeakMap<RequestContext, GatewayTrace>();

/**
 * The request's trace: the caller's when it sent a valid `traceparent`, else a new one. Kept
 * beside the context (not on it) so the request context type needs no tracing field.
 */
export function traceOf(context: RequestContext): GatewayTrace {
  let trace = traces.get(context);
  if (!trace) {
    const incoming = parseTraceparent(context.request.headers.traceparent) ?? { traceId: randomHex(16), parentId: null, flags: '01' };
    trace = { ...incoming, spanId: randomHex(8) };
    traces.set(context, trace);
  }
  return trace;
}

/** Tracing (src/tracing/) makes its OpenTelemetry request span the gateway's span. */
export function adoptTrace(context: RequestContext, trace: GatewayTrace): void {
  traces.set(context, trace);
}

export function traceIdOf(context: RequestContext): string {
  return traceOf(context).traceId;
}

/** The `traceparent` sent upstream and back to the client: same trace, the gateway's span as parent. */
export function outgoingTraceparent(trace: GatewayTrace): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

/** Headers every upstream call carries: the trace context, and the caller's vendor state untouched. */
export function upstreamTraceHeaders(context: RequestContext): Record<string, string> {
  const headers: Record<string, string> = { traceparent: outgoingTraceparent(traceOf(context)) };
  const state = context.request.headers.tracestate;
  if (typeof state === 'string' && state !== '' && parseTraceparent(context.request.headers.traceparent)) headers.tracestate = state;
  return headers;
}
