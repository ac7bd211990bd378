import type { ProviderConfig } from '../../config/config-schema.js';
import { InvalidRequestError } from '../../errors/gateway-errors.js';
import { parseServerSentEvents } from '../../http/parse-server-sent-events.js';
import {
  joinUrl,
  mapTransportError,
  providerErrorFrom,
  readUpstreamJson,
  sendUpstream,
  type UpstreamResponse,
} from '../../http/upstream-client.js';
import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import type { ChatCompletion, ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import type { EmbeddingsResponse } from '../../schema/embeddings.js';
import type { Provider, ProviderCall } from '../provider.js';
import { convertRequest, type ConvertedRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { convertStream } from './convert-stream.js';
import type { Message, MessagesRequest } from './wire-types.js';

/** The Anthropic SDK's base URL: it has no `/v1`, the path carries it. */
export const anthropicDefaultBaseUrl = 'https://api.anthropic.com';
/**
 * The API version this adapter's conversions are written for. 2026-10-21 rejects temperature
 * and top_p; set `anthropic_version` in the config to use it (convert-request then warns instead
 * of sending them).
 */
export const defaultAnthropicVersion = '2023-06-01';

export function createAnthropicProvider(name: string, config: ProviderConfig): Provider {
  const baseUrl = (config.base_url ?? anthropicDefaultBaseUrl).replace(/\/+$/, '');
  const messagesUrl = joinUrl(baseUrl, '/v1/messages');
  const anthropicVersion = config.anthropic_version ?? defaultAnthropicVersion;
  const credentials = (apiKey: string | undefined): Record<string, string> => {
    const key = apiKey ?? config.api_key;
    return key ? { 'x-api-key': key } : {};
  };
  // Operator headers (anthropic-beta, …) may override the defaults but never the credential.
  const jsonHeaders = {
    'content-type': 'application/json',
    accept: 'application/json',
    'anthropic-version': anthropicVersion,
    ...config.headers,
  };
  const streamHeaders = { ...jsonHeaders, accept: 'text/event-stream' };

  function convert(request: ChatCompletionRequest, call: ProviderCall): ConvertedRequest {
    return convertRequest(request, { anthropicVersion, defaultMaxTokens: config.default_max_tokens, warn: (message) => call.warn(message) });
  }

  async function post(body: MessagesRequest, call: ProviderCall, stream: boolean): Promise<UpstreamResponse> {
    const response = await sendUpstream({
      provider: name,
      url: messagesUrl,
      method: 'POST',
      headers: { ...(stream ? streamHeaders : jsonHeaders), ...call.traceHeaders, ...credentials(call.apiKey) },
      body: JSON.stringify(body),
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      idleTimeoutMs: call.idleTimeoutMs,
    });
    if (response.statusCode < 200 || response.statusCode >= 300) throw await providerErrorFrom(name, response);
    return response;
  }

  /** The response body as bytes, with a failure mid-stream mapped to a 502/504 gateway error. */
  async function* bodyOf(response: UpstreamResponse, call: ProviderCall): AsyncGenerator<Uint8Array> {
    try {
      for await (const piece of response.body) yield piece as Uint8Array;
    } catch (error) {
      throw mapTransportError(name, error, call.idleTimeoutMs, call.signal);
    }
  }

  return {
    name,
    type: 'anthropic',
    capabilities: { chat: true, stream: true, embeddings: false },

    async complete(request: ChatCompletionRequest, call: ProviderCall): Promise<ChatCompletion> {
      const { body, jsonResponseToolName } = convert(request, call);
      const response = await post(body, call, false);
      const message = await readUpstreamJson<Message>(name, response, call.idleTimeoutMs);
      return convertResponse(message, { jsonResponseToolName });
    },

    async stream(request: ChatCompletionRequest, call: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>> {
      const { body, jsonResponseToolName } = convert(request, call);
      const response = await post({ ...body, stream: true }, call, true);
      return convertStream(parseServerSentEvents(bodyOf(response, call)), { provider: name, jsonResponseToolName });
    },

    async embed(): Promise<EmbeddingsResponse> {
      throw new InvalidRequestError(`Provider "${name}" (anthropic) has no embeddings API.`, { code: 'unsupported_operation' });
    },

    nativeTarget(apiKey?: string) {
      // Only the credential: the native proxy forwards the client's own anthropic-version.
      return { baseUrl, headers: credentials(apiKey) };
    },
  };
}
