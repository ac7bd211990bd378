import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Gateway } from '../gateway/gateway.js';
import { composeStages, type Stage } from '../pipeline/compose-stages.js';
import type { Endpoint, RequestContext } from '../pipeline/request-context.js';
import type { ErrorDialect } from '../errors/render-error.js';
import { InternalError, MethodNotAllowedError, NotFoundError } from '../errors/gateway-errors.js';
import { Cancellation } from '../http/cancellation.js';
import { respond } from '../pipeline/stages/respond.js';
import { logRequest } from '../observability/log-request-stage.js';
import { serveMetrics } from '../observability/serve-metrics.js';
import { authenticate } from '../pipeline/stages/authenticate.js';
import { readBody } from '../pipeline/stages/read-body.js';
import { parseChatRequest } from '../pipeline/stages/parse-chat-request.js';
import { parseEmbeddingsRequest } from '../pipeline/stages/parse-embeddings-request.js';
import { resolveTarget } from '../pipeline/stages/resolve-target.js';
import { authorizeModel } from '../pipeline/stages/authorize-model.js';
import { callChatUpstream } from '../pipeline/stages/call-chat-upstream.js';
import { callEmbeddingsUpstream } from '../pipeline/stages/call-embeddings-upstream.js';
import { forwardNative, parseNativePath, respondNative } from './native-proxy.js';
import { listModels } from './list-models.js';
import { writeErrorOutsidePipeline, writeJson } from './write-response.js';
import { handleAdminRequest, isAdminPath } from '../admin/admin-router.js';
import { enforceLimits } from '../limits/enforce-limits-stage.js';
import { meterUsage } from '../usage/meter-usage-stage.js';
import { guardRequest } from '../guardrails/guard-request-stage.js';
import { guardResponse } from '../guardrails/guard-response-stage.js';
import { guardEmbeddingsRequest } from '../guardrails/guard-embeddings-stage.js';
import { guardNativeRequest } from '../guardrails/native/guard-native-request-stage.js';
import { cacheResponse } from '../cache/cache-stage.js';
import { semanticCacheResponse } from '../cache/semantic/semantic-cache-stage.js';
import { respondMessages } from '../messages-api/respond-messages.js';
import { parseMessagesRequest } from '../messages-api/parse-messages-request.js';
import { countMessageTokens, parseCountTokensRequest } from '../messages-api/count-message-tokens.js';
import { tracedPipelines } from '../tracing/traced-pipelines.js';
import { feedbackPipeline } from '../observability/feedback-pipeline.js';

/** The data plane's pipelines, in the phases of DESIGN.md §2.3. */
const pipelines: Record<Endpoint, (context: RequestContext) => Promise<void>> = {
  // Guardrails sit before any cache stage: a blocked prompt is never looked up, and cached answers are checked too.
  chat: composeStages([logRequest, respond, authenticate, readBody, parseChatRequest, authorizeModel, enforceLimits, guardRequest, guardResponse, cacheResponse, semanticCacheResponse, meterUsage, resolveTarget, callChatUpstream]),
  messages: composeStages([logRequest, respondMessages, authenticate, readBody, parseMessagesRequest, authorizeModel, enforceLimits, guardRequest, guardResponse, cacheResponse, semanticCacheResponse, meterUsage, resolveTarget, callChatUpstream]),
  count_tokens: composeStages([logRequest, respondMessages, authenticate, readBody, parseCountTokensRequest, authorizeModel, countMessageTokens]),
  embeddings: composeStages([logRequest, respond, authenticate, readBody, parseEmbeddingsRequest, authorizeModel, enforceLimits, guardEmbeddingsRequest, meterUsage, resolveTarget, callEmbeddingsUpstream]),
  models: composeStages([logRequest, respond, authenticate, listModels]),
  native: composeStages([logRequest, respondNative, authenticate, readBody, enforceLimits, guardNativeRequest, forwardNative]),
  feedback: feedbackPipeline,
};

const healthStage: Stage = async (context) => {
  writeJson(context, 200, { status: 'ok' });
};

interface RouteMatch {
  endpoint: Endpoint | 'health';
  method: string | undefined;
}

function matchRoute(path: string): RouteMatch | undefined {
  switch (path) {
    case '/v1/chat/completions':
    case '/chat/completions':
      return { endpoint: 'chat', method: 'POST' };
    case '/v1/messages':
      return { endpoint: 'messages', method: 'POST' };
    case '/v1/messages/count_tokens':
      return { endpoint: 'count_tokens', method: 'POST' };
    case '/v1/embeddings':
    case '/embeddings':
      return { endpoint: 'embeddings', method: 'POST' };
    case '/v1/models':
    case '/models':
      return { endpoint: 'models', method: 'GET' };
    case '/v1/feedback':
      return { endpoint: 'feedback', method: 'POST' };
    case '/healthz':
    case '/readyz':
      return { endpoint: 'health', method: 'GET' };
  }
  if (path.startsWith('/native/')) return { endpoint: 'native', method: undefined };
  return undefined;
}

/**
 * Every field of T present, optional ones as `undefined`: a context has one object shape from the
 * start, which keeps the stages' property reads monomorphic (fields added later by stages made
 * them megamorphic), and the compiler reports a new optional field left out here.
 */
type EveryField<T> = { [K in keyof Required<T>]: T[K] };

function dialectOf(gateway: Gateway, path: string): ErrorDialect {
  const native = parseNativePath(path);
  const type = native ? gateway.config.providers[native.providerName]?.type : undefined;
  return type === 'anthropic' ? 'anthropic' : type === 'gemini' ? 'gemini' : 'openai';
}

export function handleRequest(gateway: Gateway, request: IncomingMessage, response: ServerResponse, activePipelines = pipelines): void {
  const requestId = randomUUID();
  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  if (isAdminPath(path)) {
    handleAdminRequest(gateway, request, response);
    return;
  }
  if (path === '/metrics') {
    serveMetrics(gateway, request, response, requestId);
    return;
  }
  const route = matchRoute(path);
  if (!route) {
    writeErrorOutsidePipeline(response, new NotFoundError(`No endpoint at ${path}.`, 'unknown_url'), 'openai', requestId);
    return;
  }
  if (route.method && request.method !== route.method) {
    writeErrorOutsidePipeline(response, new MethodNotAllowedError(request.method ?? '', path), route.endpoint === 'messages' || route.endpoint === 'count_tokens' ? 'anthropic' : 'openai', requestId);
    return;
  }
  const endpoint = route.endpoint === 'health' ? 'models' : route.endpoint;
  const abort = new Cancellation();
  const context: EveryField<RequestContext> = {
    gateway,
    requestId,
    startedAt: performance.now(),
    request,
    response,
    endpoint,
    dialect: endpoint === 'native' ? dialectOf(gateway, path) : endpoint === 'messages' || endpoint === 'count_tokens' ? 'anthropic' : 'openai',
    logger: gateway.logger,
    abort,
    warnings: [],
    responseHeaders: {},
    attempts: [],
    finishers: [],
    timing: { upstreamHeadersMs: undefined, firstByteMs: undefined },
    upstreamAbort: undefined,
    principal: undefined,
    callerProviderKey: undefined,
    body: undefined,
    chatRequest: undefined,
    embeddingsRequest: undefined,
    target: undefined,
    routePlan: undefined,
    result: undefined,
    guardrails: undefined,
    usage: undefined,
    usageEstimated: undefined,
    cacheStatus: undefined,
    costSaved: undefined,
    cost: undefined,
  };
  // A client that goes away before the answer is complete cancels the upstream call.
  response.once('close', () => {
    if (!response.writableFinished) abort.abort(new Error('client disconnected'));
  });
  const run = route.endpoint === 'health' ? healthStage(context, async () => undefined) : activePipelines[endpoint](context);
  run.catch((error: unknown) => {
    gateway.logger.error({ requestId, err: error }, 'unhandled pipeline error');
    if (!response.headersSent) writeErrorOutsidePipeline(response, new InternalError(error), 'openai', requestId);
    else response.destroy();
  });
}

export function createGatewayServer(gateway: Gateway): Server {
  // With tracing off the plain compositions run: not one wrapper on the request path.
  const activePipelines = gateway.tracing ? tracedPipelines(pipelines, gateway.tracing) : pipelines;
  const server = createServer({ keepAliveTimeout: 65_000 }, (request, response) =>
    handleRequest(gateway, request, response, activePipelines),
  );
  // A malformed request line or header must not crash anything: answer 400 and close.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
