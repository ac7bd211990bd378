import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../schema/embeddings.js';
import type { NativeTarget, Provider, ProviderCall, ProviderType } from '../provider.js';
import {
  mapTransportError,
  providerErrorFrom,
  providerErrorFromText,
  parseUpstreamJson,
  readUpstreamJson,
  requestUpstreamText,
  sendUpstream,
  type UpstreamResponse,
} from '../../http/upstream-client.js';
import { parseServerSentEvents } from '../../http/parse-server-sent-events.js';
import { rememberRawJson } from '../../http/raw-json.js';
import { UpstreamUnavailableError } from '../../errors/gateway-errors.js';
import { convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { convertStream } from './convert-stream.js';

/** What differs between OpenAI-format vendors: where a request goes and how it authenticates. */
export interface OpenAICompatibleEndpoints {
  type: ProviderType;
  /** URL of an operation ('chat/completions' | 'embeddings') for a model. */
  urlFor(operation: 'chat/completions' | 'embeddings', model: string): URL;
  /** Headers sent on every request, credentials excepted. */
  headers: Record<string, string>;
  /** The credential headers for a key (the configured one when `apiKey` is undefined). */
  credentialHeaders(apiKey: string | undefined): Record<string, string>;
  baseUrl: string;
  nativeQuery?: Record<string, string>;
  streamUsage: boolean;
}

/** One adapter for OpenAI, Azure OpenAI and every OpenAI-compatible server (DESIGN.md §2.2). */
export function createOpenAICompatibleProvider(name: string, endpoints: OpenAICompatibleEndpoints): Provider {
  const jsonHeaders = { 'content-type': 'application/json', accept: 'application/json', ...endpoints.headers };
  const streamHeaders = { ...jsonHeaders, accept: 'text/event-stream' };

  async function post(operation: 'chat/completions' | 'embeddings', model: string, body: string, call: ProviderCall, stream: boolean): Promise<UpstreamResponse> {
    const response = await sendUpstream({
      provider: name,
      url: endpoints.urlFor(operation, model),
      headers: { ...(stream ? streamHeaders : jsonHeaders), ...call.traceHeaders, ...endpoints.credentialHeaders(call.apiKey) },
      body,
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      idleTimeoutMs: call.idleTimeoutMs,
    });
    if (response.statusCode < 200 || response.statusCode >= 300) throw await providerErrorFrom(name, response);
    return response;
  }

  return {
    name,
    type: endpoints.type,
    capabilities: { chat: true, stream: true, embeddings: true },

    async complete(request: ChatCompletionRequest, call: ProviderCall): Promise<ChatCompletion> {
      const { statusCode, headers, text } = await requestUpstreamText({
        provider: name,
        url: endpoints.urlFor('chat/completions', request.model),
        headers: { ...jsonHeaders, ...call.traceHeaders, ...endpoints.credentialHeaders(call.apiKey) },
        body: convertRequest(request, endpoints, call.warn),
        signal: call.signal,
        timeoutMs: call.timeoutMs,
        idleTimeoutMs: call.idleTimeoutMs,
      });
      if (statusCode < 200 || statusCode >= 300) throw providerErrorFromText(name, statusCode, text, headers['retry-after']);
      const completion = convertResponse(name, parseUpstreamJson(name, text));
      // Already canonical: unless a stage replaces it, the client gets the upstream's bytes.
      rememberRawJson(completion, text);
      return completion;
    },

    async stream(request: ChatCompletionRequest, call: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>> {
      const response = await post('chat/completions', request.model, convertRequest(request, endpoints, call.warn), call, true);
      const contentType = String(response.headers['content-type'] ?? '');
      if (!contentType.includes('text/event-stream')) {
        response.body.resume();
        throw new UpstreamUnavailableError(name, `expected an event stream, got "${contentType || 'no content type'}"`);
      }
      return guardTransport(name, call, convertStream(name, parseServerSentEvents(response.body)));
    },

    async embed(request: EmbeddingsRequest, call: ProviderCall): Promise<EmbeddingsResponse> {
      const response = await post('embeddings', request.model, JSON.stringify(request), call, false);
      const body = await readUpstreamJson<EmbeddingsResponse>(name, response, call.timeoutMs);
      if (!body || !Array.isArray(body.data)) throw new UpstreamUnavailableError(name, 'the response is not an embeddings list');
      return body;
    },

    nativeTarget: (apiKey) => ({
      baseUrl: endpoints.baseUrl,
      headers: { ...endpoints.headers, ...endpoints.credentialHeaders(apiKey) },
      query: endpoints.nativeQuery,
    }),
  };
}

/** Maps transport failures that happen mid-stream (reset, idle timeout) to gateway errors. */
async function* guardTransport<T>(provider: string, call: ProviderCall, source: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    throw mapTransportError(provider, error, call.idleTimeoutMs, call.signal);
  }
}
