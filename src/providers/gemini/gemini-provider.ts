import type { ProviderConfig } from '../../config/config-schema.js';
import { InvalidRequestError, UpstreamUnavailableError } from '../../errors/gateway-errors.js';
import { parseServerSentEvents } from '../../http/parse-server-sent-events.js';
import { joinUrl, mapTransportError, readUpstreamJson, sendUpstream, type UpstreamResponse } from '../../http/upstream-client.js';
import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../schema/embeddings.js';
import type { Provider, ProviderCall } from '../provider.js';
import { convertEmbeddingsRequest, convertEmbeddingsResponse, embeddingInputs, maximumBatchSize } from './convert-embeddings.js';
import { convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { convertStream } from './convert-stream.js';
import { geminiErrorFrom } from './gemini-error.js';
import type { BatchEmbedContentsResponse, GenerateContentResponse } from './wire-types.js';

/** What Google's SDK calls the base URL; the API version is part of each path. */
export const defaultGeminiBaseUrl = 'https://generativelanguage.googleapis.com';

type Method = 'generateContent' | 'streamGenerateContent' | 'batchEmbedContents';

/** Google AI Studio (Generative Language API v1beta) adapter. */
export function createGeminiProvider(name: string, config: ProviderConfig): Provider {
  const baseUrl = (config.base_url ?? defaultGeminiBaseUrl).replace(/\/+$/, '');
  // The key goes in a header, not `?key=`, so it never lands in URL logs.
  const credentialHeaders = (apiKey: string | undefined): Record<string, string> => {
    const key = apiKey ?? config.api_key;
    return key ? { 'x-goog-api-key': key } : {};
  };
  const jsonHeaders = { ...config.headers, 'content-type': 'application/json', accept: 'application/json' };
  const streamHeaders = { ...jsonHeaders, accept: 'text/event-stream' };

  async function post(method: Method, model: string, body: unknown, call: ProviderCall): Promise<UpstreamResponse> {
    const stream = method === 'streamGenerateContent';
    const response = await sendUpstream({
      provider: name,
      url: joinUrl(baseUrl, `/v1beta/${modelResource(model)}:${method}${stream ? '?alt=sse' : ''}`),
      headers: { ...(stream ? streamHeaders : jsonHeaders), ...call.traceHeaders, ...credentialHeaders(call.apiKey) },
      body: JSON.stringify(body),
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      idleTimeoutMs: call.idleTimeoutMs,
    });
    if (response.statusCode < 200 || response.statusCode >= 300) throw await geminiErrorFrom(name, response);
    return response;
  }

  return {
    name,
    type: 'gemini',
    capabilities: { chat: true, stream: true, embeddings: true },

    async complete(request: ChatCompletionRequest, call: ProviderCall): Promise<ChatCompletion> {
      const body = convertRequest(request, call.warn);
      const response = await post('generateContent', request.model, body, call);
      const parsed = await readUpstreamJson<GenerateContentResponse>(name, response, call.timeoutMs);
      if (!parsed || typeof parsed !== 'object') throw new UpstreamUnavailableError(name, 'the response is not a GenerateContentResponse');
      return convertResponse(parsed, request.model);
    },

    async stream(request: ChatCompletionRequest, call: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>> {
      const body = convertRequest(request, call.warn);
      const response = await post('streamGenerateContent', request.model, body, call);
      const contentType = String(response.headers['content-type'] ?? '');
      if (!contentType.includes('text/event-stream')) {
        response.body.resume();
        throw new UpstreamUnavailableError(name, `expected an event stream, got "${contentType || 'no content type'}"`);
      }
      return convertStream(name, parseServerSentEvents(guardTransport(name, response, call)), request.model);
    },

    async embed(request: EmbeddingsRequest, call: ProviderCall): Promise<EmbeddingsResponse> {
      const texts = embeddingInputs(request);
      const resource = modelResource(request.model);
      const vectors: number[][] = [];
      // Google takes at most 100 texts per call; larger inputs go in consecutive batches
      // (one after another, so one client request never bursts past a per-minute quota).
      for (let start = 0; start < texts.length; start += maximumBatchSize) {
        const batch = texts.slice(start, start + maximumBatchSize);
        const body = convertEmbeddingsRequest(batch, request, resource, start === 0 ? call.warn : () => undefined);
        const response = await post('batchEmbedContents', request.model, body, call);
        const parsed = await readUpstreamJson<BatchEmbedContentsResponse>(name, response, call.timeoutMs);
        const embeddings = parsed?.embeddings;
        if (!Array.isArray(embeddings) || embeddings.length !== batch.length || !embeddings.every((item) => Array.isArray(item?.values))) {
          throw new UpstreamUnavailableError(name, 'the response does not hold one embedding per input');
        }
        for (const embedding of embeddings) vectors.push(embedding.values as number[]);
      }
      return convertEmbeddingsResponse(vectors, request);
    },

    nativeTarget: (apiKey?: string) => ({ baseUrl, headers: { ...config.headers, ...credentialHeaders(apiKey) } }),
  };
}

/**
 * `gemini-2.5-flash` or `models/gemini-2.5-flash` → `models/gemini-2.5-flash` (tuned models keep
 * `tunedModels/…`). The name is checked because it becomes part of the URL: a client-chosen
 * `../…` must not steer the gateway's key to another Google endpoint.
 */
export function modelResource(model: string): string {
  const resource = /^(models|tunedModels)\//.test(model) ? model : `models/${model}`;
  if (!/^(models|tunedModels)\/[A-Za-z0-9][A-Za-z0-9._-]*$/.test(resource)) {
    throw new InvalidRequestError(`model "${model}" is not a valid Gemini model name`, { param: 'model', code: 'invalid_model' });
  }
  return resource;
}

/** Maps transport failures while the body streams (reset, idle timeout, abort) to gateway errors. */
async function* guardTransport(provider: string, response: UpstreamResponse, call: ProviderCall): AsyncGenerator<Uint8Array> {
  try {
    for await (const piece of response.body) yield piece as Uint8Array;
  } catch (error) {
    throw mapTransportError(provider, error, call.idleTimeoutMs, call.signal);
  }
}
