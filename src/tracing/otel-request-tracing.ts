import { performance } from 'node:perf_hooks';
import { createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import type { AttemptRecord } from '../routing/attempt-record.js';
import type { ChatCompletion, ChatCompletionChunk } from '../schema/chat-completion-response.js';
import { adoptTrace, outgoingTraceparent, parseTraceparent, traceOf, upstreamTraceHeaders } from '../observability/trace-context.js';
import { completionFacts, noteChunk, responseAttributes, type ResponseFacts } from './gen-ai-attributes.js';
import { attemptAttributes, errorTypeOf, requestEndAttributes, requestStartAttributes, responseStatusOf, safeErrorMessage, serverSpanName } from './span-attributes.js';
import type { Pipeline, RequestTracing } from './request-tracing.js';
import { ReportingSpanExporter } from './reporting-span-exporter.js';
import { tracesUrl, type TracingConfig } from './tracing-config.js';

/** An attempt span waiting for the route executor's record of how the attempt went. */
interface OpenAttempt {
  span: Span;
  /** performance.now() when the call settled: the span's end, even if recorded later. */
  settledAt?: number;
  result?: unknown;
  error?: unknown;
}

/** One request's spans, kept beside the context (like trace-context.ts) rather than on it. */
interface RequestSpans {
  server: Span;
  /** The innermost open stage span, as a context: parent of the next stage's and of attempts. */
  current: Context;
  failure?: unknown;
  /** The error the innermost failing stage was marked with; outer stages only pass it on. */
  markedError?: unknown;
  openAttempts: OpenAttempt[];
  /** A stream's successful attempt lasts until the stream ends. */
  streamAttempt?: Span;
  /** What a stream's chunks said (id, model, finish reasons). */
  streamFacts: ResponseFacts;
  observedChunks?: AsyncIterable<ChatCompletionChunk>;
}

const flagsText = (flags: number) => (flags & 0xff).toString(16).padStart(2, '0');

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

function isChatCompletion(value: unknown): value is ChatCompletion {
  return typeof value === 'object' && value !== null && Array.isArray((value as ChatCompletion).choices);
}

async function* observeChunks(chunks: AsyncIterable<ChatCompletionChunk>, facts: ResponseFacts): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of chunks) {
    noteChunk(facts, chunk);
    yield chunk;
  }
}

/**
 * Request, stage and upstream-attempt spans with the OpenTelemetry SDK, exported over OTLP/HTTP
 * in batches. The provider is private to the gateway (not registered globally) and parents are
 * passed explicitly, so no context manager (AsyncLocalStorage) runs on the request path.
 */
export class OtelRequestTracing implements RequestTracing {
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly exporter: ReportingSpanExporter;
  private readonly requests = new WeakMap<RequestContext, RequestSpans>();

  constructor(
    private readonly config: TracingConfig,
    private readonly logger: Logger,
  ) {
    const url = tracesUrl(config.endpoint);
    this.exporter = new ReportingSpanExporter(
      new OTLPTraceExporter({ url, headers: config.headers, timeoutMillis: config.export_timeout_ms }),
      logger,
      url,
    );
    this.provider = new BasicTracerProvider({
      resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.service_name })),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sample_ratio) }),
      spanProcessors: [
        new BatchSpanProcessor(this.exporter, {
          maxQueueSize: config.max_queue_size,
          maxExportBatchSize: config.max_batch_size,
          scheduledDelayMillis: config.batch_delay_ms,
          exportTimeoutMillis: config.export_timeout_ms,
        }),
      ],
    });
    this.tracer = this.provider.getTracer('sluice');
  }

  tracePipeline(pipeline: Pipeline): Pipeline {
    return async (context) => {
      const spans = this.startRequest(context);
      try {
        await pipeline(context);
      } finally {
        this.finishRequest(context, spans);
      }
    };
  }

  traceStage(name: string, stage: Stage): Stage {
    const options = { attributes: { 'sluice.stage': name } };
    return async (context, next) => {
      const spans = this.requests.get(context);
      if (!spans) return stage(context, next);
      const parent = spans.current;
      const span = this.tracer.startSpan(name, options, parent);
      spans.current = trace.setSpan(parent, span);
      try {
        await stage(context, next);
        this.observeStream(context, spans);
      } catch (error) {
        // Only the stage the error came from is marked: the ones around it merely pass it on.
        if (spans.markedError !== error) {
          spans.markedError = error;
          span.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(context, error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: safeErrorMessage(error) });
        }
        throw error;
      } finally {
        spans.current = parent;
        span.end();
      }
    };
  }

  async traceAttempt<T>(context: RequestContext, call: (traceHeaders: Record<string, string>) => Promise<T>): Promise<T> {
    const spans = this.requests.get(context);
    const target = context.target;
    if (!spans || !target) return call(upstreamTraceHeaders(context));
    const operation = context.embeddingsRequest ? 'embeddings' : 'chat';
    const attributes = spans.server.isRecording() ? attemptAttributes(context, target, operation) : undefined;
    const span = this.tracer.startSpan(`${operation} ${target.upstreamModel}`, { kind: SpanKind.CLIENT, attributes }, spans.current);
    const ids = span.spanContext();
    // The upstream joins the trace under this attempt's span, not the request's.
    const traceparent = outgoingTraceparent({ ...traceOf(context), spanId: ids.spanId, flags: flagsText(ids.traceFlags) });
    const open: OpenAttempt = { span };
    spans.openAttempts.push(open);
    try {
      const result = await call({ ...upstreamTraceHeaders(context), traceparent });
      open.result = result;
      return result;
    } catch (error) {
      open.error = error;
      throw error;
    } finally {
      open.settledAt = performance.now();
    }
  }

  attemptRecorded(context: RequestContext, record: AttemptRecord): void {
    const spans = this.requests.get(context);
    if (!spans) return;
    if (record.outcome === 'skipped') {
      // No call was made (open circuit breaker): an event, not a client span.
      spans.server.addEvent('sluice.target_skipped', { 'sluice.attempt.target': record.target, [ATTR_ERROR_TYPE]: record.errorCode ?? 'skipped' });
      return;
    }
    // Attempts run one at a time and each is recorded once, right after its call settles.
    const open = spans.openAttempts.shift();
    if (!open) return;
    const { span, result } = open;
    const attributes: Attributes = { 'sluice.attempt.number': record.attempt, 'sluice.attempt.outcome': record.outcome, 'sluice.attempt.latency_ms': record.latencyMs };
    if (record.attempt > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = record.attempt - 1;
    if (record.status !== null) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = record.status;
    if (record.errorCode !== undefined) attributes[ATTR_ERROR_TYPE] = record.errorCode;
    if (isChatCompletion(result)) Object.assign(attributes, responseAttributes(completionFacts(result), result.usage ?? undefined));
    else if (result && !isAsyncIterable(result)) {
      const embeddings = result as { model?: string; usage?: { prompt_tokens: number } };
      Object.assign(attributes, responseAttributes({ model: embeddings.model }, embeddings.usage));
    }
    span.setAttributes(attributes);
    if (record.outcome !== 'success') span.setStatus({ code: SpanStatusCode.ERROR, message: open.error === undefined ? record.errorCode : safeErrorMessage(open.error) });
    if (record.outcome === 'success' && isAsyncIterable(result)) {
      spans.streamAttempt = span;
      return;
    }
    span.end(open.settledAt);
  }

  flush(): Promise<void> {
    return this.provider.forceFlush();
  }

  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.config.export_timeout_ms + 1_000);
      timer.unref();
    });
    const shutdown = this.provider.shutdown().catch((error: unknown) => {
      this.logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'tracing: shutdown failed; spans dropped');
    });
    await Promise.race([shutdown, deadline]);
    clearTimeout(timer);
  }

  private startRequest(context: RequestContext): RequestSpans {
    const incoming = parseTraceparent(context.request.headers.traceparent);
    let parent = ROOT_CONTEXT;
    if (incoming) {
      const state = context.request.headers.tracestate;
      parent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: incoming.traceId,
        spanId: incoming.parentId!,
        traceFlags: Number.parseInt(incoming.flags, 16),
        isRemote: true,
        traceState: typeof state === 'string' && state !== '' ? createTraceState(state) : undefined,
      });
    }
    const server = this.tracer.startSpan(serverSpanName(context), { kind: SpanKind.SERVER }, parent);
    // The samplers decide on the parent and the trace id alone; attributes only for recorded spans.
    if (server.isRecording()) server.setAttributes(requestStartAttributes(context));
    const ids = server.spanContext();
    // The request log, the response's traceparent and native upstream calls use this span's ids.
    adoptTrace(context, { traceId: ids.traceId, parentId: incoming?.parentId ?? null, spanId: ids.spanId, flags: flagsText(ids.traceFlags) });
    const spans: RequestSpans = { server, current: trace.setSpan(parent, server), openAttempts: [], streamFacts: {} };
    this.requests.set(context, spans);
    context.finishers.push((error) => {
      spans.failure = error;
    });
    return spans;
  }

  /** A stream's chunks are watched on their way to the client, for its id and finish reasons. */
  private observeStream(context: RequestContext, spans: RequestSpans): void {
    const { result } = context;
    if (result?.kind !== 'chat-stream' || result.chunks === spans.observedChunks || !spans.server.isRecording()) return;
    const chunks = observeChunks(result.chunks, spans.streamFacts);
    spans.observedChunks = chunks;
    context.result = { kind: 'chat-stream', chunks };
  }

  private finishRequest(context: RequestContext, spans: RequestSpans): void {
    this.requests.delete(context);
    const { server, failure } = spans;
    for (const open of spans.openAttempts) open.span.end(open.settledAt);
    if (spans.streamAttempt) {
      const attempt = spans.streamAttempt;
      // An estimated count is the gateway's, not the provider's: it stays off the client span.
      attempt.setAttributes(responseAttributes(spans.streamFacts, context.usageEstimated ? undefined : context.usage));
      if (failure !== undefined) {
        attempt.setAttribute(ATTR_ERROR_TYPE, errorTypeOf(context, failure));
        attempt.setStatus({ code: SpanStatusCode.ERROR, message: safeErrorMessage(failure) });
      }
      attempt.end();
    }
    const status = responseStatusOf(context, failure);
    if (server.isRecording()) server.setAttributes(requestEndAttributes(context, spans.streamFacts, status, failure));
    if ((status ?? 0) >= 500 || (failure !== undefined && status === undefined)) {
      server.setStatus({ code: SpanStatusCode.ERROR, message: safeErrorMessage(failure) });
    }
    server.end();
  }
}
