import type { RequestContext } from '../pipeline/request-context.js';
import { GatewayError } from '../errors/gateway-errors.js';
import { parseMetadataHeader } from '../routing/request-facts.js';
import { routeOfRequest } from '../usage/route-of-request.js';
import { traceIdOf } from './trace-context.js';
import { redactBody } from './redact-body.js';
import { isoTimestamp } from './iso-timestamp.js';
import type { RequestLogRecord } from './request-log-record.js';

/** Microseconds are noise in a log; three decimals keep the columns short. */
function roundMs(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.round(ms * 1000) / 1000;
}

export type BodyMode = 'off' | 'redacted' | 'full';

function bodyText(text: string, bodies: BodyMode): string {
  return bodies === 'redacted' ? redactBody(text) : text;
}

/**
 * The answer as the client got it, for JSON chat answers. Streams are not reassembled and
 * embeddings (large vectors, no text worth searching) are not kept.
 */
function responseText(context: RequestContext, bodies: BodyMode): string | null {
  const { result } = context;
  return result?.kind === 'chat' ? bodyText(JSON.stringify(result.completion), bodies) : null;
}

/** The caller may keep one request out of the log entirely (DESIGN.md §1). */
export function logOptedOut(context: RequestContext): boolean {
  const header = context.request.headers['x-sluice-collect-log'];
  return typeof header === 'string' && header.trim().toLowerCase() === 'false';
}

function metadataOf(context: RequestContext): Record<string, unknown> {
  try {
    return parseMetadataHeader(context.request.headers['x-sluice-metadata']);
  } catch {
    // The request already failed with a 400 for it; the log still records the request.
    return {};
  }
}

function errorCodeOf(context: RequestContext, error: unknown, status: number): string | null {
  if (error instanceof GatewayError) return error.code ?? error.type;
  // A client that left is not a gateway fault: worth telling apart when reading error rates.
  if (error !== undefined) return context.abort.signal.aborted ? 'client_disconnected' : 'internal_error';
  return status >= 400 ? `http_${status}` : null;
}

/**
 * The provider that answered: the target called, or for a cache hit (no target) the one that
 * answered when the entry was stored, which the cache stage puts in the response headers.
 */
function providerOf(context: RequestContext): string | null {
  if (context.target) return context.target.provider.name;
  const header = context.responseHeaders['x-sluice-provider'];
  return typeof header === 'string' ? header : null;
}

/** The model the provider says answered (often a dated snapshot of the one asked for). */
function servedModel(context: RequestContext, provider: string | null): string | null {
  const { result, target } = context;
  if (provider === null) return null;
  if (result?.kind === 'chat' && result.completion.model) return `${provider}/${result.completion.model}`;
  if (target) return target.qualifiedModel;
  const header = context.responseHeaders['x-sluice-model'];
  return typeof header === 'string' ? header : null;
}

/**
 * Reads everything the log needs from a finished request. Called after every finisher, so the
 * usage phase has settled usage and cost, also for streams. Pure reads: it must not throw on a
 * request that failed half-way, since any field may be missing.
 */
export function buildLogRecord(context: RequestContext, error: unknown, now: number, bodies: BodyMode): RequestLogRecord {
  const { request, usage } = context;
  const status = error instanceof GatewayError && !context.response.headersSent ? error.status : context.response.statusCode;
  const details = usage as (typeof usage & { prompt_tokens_details?: { cached_tokens?: number }; completion_tokens_details?: { reasoning_tokens?: number } }) | undefined;
  const cacheHeader = context.responseHeaders['x-sluice-cache-status'] ?? context.response.getHeader('x-sluice-cache-status');
  const userAgent = request.headers['user-agent'];
  const storeBody = bodies !== 'off' && context.body !== undefined;
  const provider = providerOf(context);
  return {
    id: context.requestId,
    at: isoTimestamp(Date.now() - (now - context.startedAt)),
    key_id: context.principal?.key.id ?? null,
    team_id: context.principal?.team.id ?? null,
    route: routeOfRequest(context) ?? null,
    provider,
    model_requested: context.chatRequest?.model ?? context.embeddingsRequest?.model ?? null,
    model_served: servedModel(context, provider),
    endpoint: context.endpoint,
    status,
    error_code: errorCodeOf(context, error, status),
    latency_ms: roundMs(now - context.startedAt)!,
    // Streams time their first chunk; a JSON answer's first token arrives with the upstream's answer.
    first_token_ms: roundMs(context.timing.firstByteMs ?? context.timing.upstreamHeadersMs),
    prompt_tokens: usage?.prompt_tokens ?? null,
    completion_tokens: usage?.completion_tokens ?? null,
    cached_tokens: details?.prompt_tokens_details?.cached_tokens ?? null,
    reasoning_tokens: details?.completion_tokens_details?.reasoning_tokens ?? null,
    usage_estimated: usage ? (context.usageEstimated ?? false) : null,
    cost_usd: context.cost?.usd ?? null,
    cache_status: typeof cacheHeader === 'string' ? cacheHeader : null,
    attempts: [...context.attempts],
    guardrails: context.guardrails ? [...context.guardrails.verdicts] : [],
    metadata: metadataOf(context),
    client_ip: request.socket?.remoteAddress ?? null,
    user_agent: typeof userAgent === 'string' ? userAgent : null,
    trace_id: traceIdOf(context),
    request_body: storeBody ? bodyText(context.body!.toString('utf8'), bodies) : null,
    response_body: bodies === 'off' ? null : responseText(context, bodies),
    cost_saved_usd: context.cacheStatus === 'HIT' ? (context.costSaved ?? null) : null,
  };
}
