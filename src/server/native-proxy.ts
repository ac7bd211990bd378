import type { IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { NotFoundError, toGatewayError } from '../errors/gateway-errors.js';
import { joinUrl, sendUpstream } from '../http/upstream-client.js';
import type { Stage } from '../pipeline/compose-stages.js';
import { apiKeyFor, requestTimeoutMs } from '../pipeline/provider-call.js';
import { assertModelAllowed } from '../pipeline/stages/authorize-model.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { baseHeaders, writeError } from './write-response.js';
import { runFinishers } from '../pipeline/stages/respond.js';
import { upstreamTraceHeaders } from '../observability/trace-context.js';
import { nativeAnswerPlan } from '../guardrails/native/native-answer-plan.js';
import { writeGuardedNativeAnswer } from '../guardrails/native/guard-native-answer.js';

/** Hop-by-hop headers (RFC 9110 §7.6.1) and the client's credentials never go upstream. */
const droppedRequestHeaders = new Set([
  'host', 'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding',
  'upgrade', 'content-length', 'authorization', 'x-api-key', 'x-goog-api-key', 'x-sluice-key', 'api-key', 'cookie',
]);
const droppedResponseHeaders = new Set(['connection', 'keep-alive', 'transfer-encoding', 'trailer', 'upgrade', 'set-cookie']);

function forwardedHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || droppedRequestHeaders.has(name) || name.startsWith('x-sluice-')) continue;
    result[name] = value;
  }
  return result;
}

/** `/native/{provider}/{path}` → the provider's own API, untouched, with its credential. */
export function parseNativePath(path: string): { providerName: string; rest: string } | undefined {
  const match = /^\/native\/([^/?]+)(\/[^?]*)?/.exec(path);
  if (!match) return undefined;
  return { providerName: decodeURIComponent(match[1]), rest: match[2] ?? '/' };
}

/**
 * The model a native request calls, as `provider/model`, for the key's allow-list: from the
 * JSON body (OpenAI, Anthropic), the Gemini path (`models/{model}:…`) or Azure's deployment
 * path. Requests that name no model (listings) need the provider's wildcard, `provider/*`.
 */
function nativeModel(context: RequestContext, providerName: string, rest: string): string {
  const pathModel = /\/models\/([^/:]+)/.exec(rest)?.[1] ?? /\/deployments\/([^/]+)/.exec(rest)?.[1];
  if (pathModel) return `${providerName}/${decodeURIComponent(pathModel)}`;
  if (context.body && context.body.length > 0 && context.body.length < 1_000_000) {
    try {
      const model = (JSON.parse(context.body.toString('utf8')) as { model?: unknown }).model;
      if (typeof model === 'string' && model) return `${providerName}/${model}`;
    } catch {
      // Not JSON: the provider will answer it; the wildcard rule applies.
    }
  }
  return `${providerName}/*`;
}

export const forwardNative: Stage = async (context) => {
  const { request, response, gateway } = context;
  const url = new URL(request.url ?? '/', 'http://gateway');
  const parsed = parseNativePath(url.pathname);
  const provider = parsed && gateway.providers.get(parsed.providerName);
  if (!parsed || !provider) throw new NotFoundError(`Unknown provider "${parsed?.providerName ?? ''}".`, 'provider_not_found');
  context.responseHeaders['x-sluice-provider'] = provider.name;
  if (context.principal) assertModelAllowed(context, nativeModel(context, provider.name, parsed.rest));

  const target = provider.nativeTarget(apiKeyFor(context, provider.name));
  const upstreamUrl = joinUrl(target.baseUrl, parsed.rest);
  for (const [name, value] of url.searchParams) if (name !== 'key') upstreamUrl.searchParams.append(name, value);
  for (const [name, value] of Object.entries(target.query ?? {})) {
    if (!upstreamUrl.searchParams.has(name)) upstreamUrl.searchParams.set(name, value);
  }
  const hasBody = context.body !== undefined && context.body.length > 0;
  // Set only when a response-side guardrail applies; then the answer must arrive readable.
  const answerPlan = nativeAnswerPlan(context);
  const upstream = await sendUpstream({
    provider: provider.name,
    url: upstreamUrl,
    method: (request.method ?? 'GET') as Dispatcher.HttpMethod,
    // The client's traceparent is replaced by one naming the gateway's span as the parent.
    headers: { ...forwardedHeaders(request.headers), ...(answerPlan && { 'accept-encoding': 'identity' }), ...upstreamTraceHeaders(context), ...target.headers },
    body: hasBody ? context.body : null,
    signal: context.abort.signal,
    timeoutMs: requestTimeoutMs(context),
    idleTimeoutMs: gateway.config.server.stream_idle_timeout_ms,
  });

  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream.headers)) {
    if (value !== undefined && !droppedResponseHeaders.has(name)) headers[name] = value;
  }
  const success = upstream.statusCode >= 200 && upstream.statusCode < 300;
  if (answerPlan && success && (await writeGuardedNativeAnswer(context, upstream, answerPlan, headers))) return;
  response.writeHead(upstream.statusCode, { ...headers, ...baseHeaders(context) });
  response.flushHeaders();
  try {
    // pipeline() applies back-pressure and destroys the upstream body if the client leaves.
    await pipeline(upstream.body, response);
  } catch (error) {
    if (!context.abort.signal.aborted) context.logger.warn({ requestId: context.requestId, err: error }, 'native stream failed');
    response.destroy();
  }
};

/** The native route's outermost stage: errors in the provider's own error shape. */
export const respondNative: Stage = async (context, next) => {
  let failure: unknown;
  try {
    await next();
  } catch (error) {
    failure = error;
    if (!context.abort.signal.aborted) writeError(context, toGatewayError(error));
  } finally {
    await runFinishers(context, failure);
  }
};
