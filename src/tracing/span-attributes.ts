import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import { GatewayError } from '../errors/gateway-errors.js';
import type { ResolvedTarget } from '../gateway/resolve-model.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { upstreamChatRequest } from '../pipeline/stages/call-chat-upstream.js';
import type { Provider } from '../providers/provider.js';
import { countUpstreamAttempts } from '../routing/attempt-record.js';
import { parseNativePath } from '../server/native-proxy.js';
import { routeOfRequest } from '../usage/route-of-request.js';
import { completionFacts, providerAttributes, requestAttributes, responseAttributes, type GenAiOperation, type ResponseFacts } from './gen-ai-attributes.js';

function pathOf(context: RequestContext): string {
  const url = context.request.url ?? '/';
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}

/** A low-cardinality route: native paths are the provider's whole API, so only the provider is kept. */
function httpRouteOf(context: RequestContext): string {
  const path = pathOf(context);
  if (context.endpoint !== 'native') return path;
  const providerName = parseNativePath(path)?.providerName;
  return `/native/${providerName !== undefined && context.gateway.providers.has(providerName) ? providerName : '{provider}'}/*`;
}

export function serverSpanName(context: RequestContext): string {
  return `${context.request.method ?? 'GET'} ${httpRouteOf(context)}`;
}

/** Known when the request arrives. The query string is left out: a Gemini SDK puts its key there. */
export function requestStartAttributes(context: RequestContext): Attributes {
  const { request } = context;
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: request.method ?? 'GET',
    [ATTR_URL_PATH]: pathOf(context),
    [ATTR_URL_SCHEME]: 'http',
    [ATTR_HTTP_ROUTE]: httpRouteOf(context),
    'sluice.request_id': context.requestId,
    'sluice.endpoint': context.endpoint,
  };
  const userAgent = request.headers['user-agent'];
  if (typeof userAgent === 'string') attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
  const clientAddress = request.socket?.remoteAddress;
  if (clientAddress) attributes[ATTR_CLIENT_ADDRESS] = clientAddress;
  return attributes;
}

/** The status the client got; undefined when none was sent (the client went away first). */
export function responseStatusOf(context: RequestContext, failure: unknown): number | undefined {
  if (context.response.headersSent) return context.response.statusCode;
  return failure instanceof GatewayError ? failure.status : undefined;
}

/** The same codes as the request log's error_code. */
export function errorTypeOf(context: RequestContext, error: unknown): string {
  if (error instanceof GatewayError) return error.code ?? error.type;
  return context.abort.signal.aborted ? 'client_disconnected' : 'internal_error';
}

/** Gateway errors carry what the client is told anyway; anything else may hold internals. */
export function safeErrorMessage(error: unknown): string {
  if (error instanceof GatewayError) return error.message;
  return error instanceof Error ? error.name : 'error';
}

function operationOf(context: RequestContext): GenAiOperation | undefined {
  if (context.chatRequest) return 'chat';
  return context.embeddingsRequest ? 'embeddings' : undefined;
}

function responseFactsOf(context: RequestContext, streamFacts: ResponseFacts): ResponseFacts {
  const { result } = context;
  if (result?.kind === 'chat') return completionFacts(result.completion);
  if (result?.kind === 'embeddings') return { model: result.embeddings.model };
  return streamFacts;
}

/** Known once the response is complete (for a stream: after its last chunk). */
export function requestEndAttributes(context: RequestContext, streamFacts: ResponseFacts, status: number | undefined, failure: unknown): Attributes {
  const attributes: Attributes = { 'sluice.attempts': countUpstreamAttempts(context.attempts) };
  if (status !== undefined) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  if (failure !== undefined) attributes[ATTR_ERROR_TYPE] = errorTypeOf(context, failure);
  else if (status !== undefined && status >= 500) attributes[ATTR_ERROR_TYPE] = String(status);
  const route = routeOfRequest(context);
  if (route !== undefined) attributes['sluice.route'] = route;
  if (context.principal) {
    attributes['sluice.key_id'] = context.principal.key.id;
    attributes['sluice.team_id'] = context.principal.team.id;
  }
  if (context.cacheStatus) attributes['sluice.cache_status'] = context.cacheStatus;
  if (context.target) attributes['sluice.target'] = context.target.qualifiedModel;
  if (typeof context.cost?.usd === 'number') attributes['sluice.cost_usd'] = context.cost.usd;
  if (context.usage) attributes['sluice.usage_estimated'] = context.usageEstimated ?? false;
  const operation = operationOf(context);
  if (operation) {
    const model = context.chatRequest?.model ?? context.embeddingsRequest?.model ?? '';
    Object.assign(attributes, requestAttributes(operation, model, context.chatRequest));
    if (context.target) Object.assign(attributes, providerAttributes(context.target.provider.type));
    Object.assign(attributes, responseAttributes(responseFactsOf(context, streamFacts), context.usage));
  } else if (context.target) {
    Object.assign(attributes, providerAttributes(context.target.provider.type));
  }
  return attributes;
}

const serverAddresses = new WeakMap<Provider, Attributes>();

/** server.address and server.port of the provider's API (from its base URL; never its credentials). */
function serverAttributes(provider: Provider): Attributes {
  let attributes = serverAddresses.get(provider);
  if (!attributes) {
    attributes = {};
    try {
      const url = new URL(provider.nativeTarget().baseUrl);
      attributes[ATTR_SERVER_ADDRESS] = url.hostname;
      attributes[ATTR_SERVER_PORT] = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    } catch {
      // A provider without a parseable base URL: the span simply lacks the address.
    }
    serverAddresses.set(provider, attributes);
  }
  return attributes;
}

/** What an attempt span knows when it starts: the target and the request as the target gets it. */
export function attemptAttributes(context: RequestContext, target: ResolvedTarget, operation: GenAiOperation): Attributes {
  return {
    ...providerAttributes(target.provider.type),
    ...requestAttributes(operation, target.upstreamModel, operation === 'chat' ? upstreamChatRequest(context) : undefined),
    ...serverAttributes(target.provider),
    'sluice.attempt.target': target.qualifiedModel,
    ...(target.route ? { 'sluice.route': target.route.name } : {}),
  };
}
