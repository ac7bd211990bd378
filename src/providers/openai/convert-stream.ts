import type { ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import type { ServerSentEvent } from '../../http/parse-server-sent-events.js';
import { ProviderResponseError, UpstreamUnavailableError } from '../../errors/gateway-errors.js';

/**
 * OpenAI SSE → canonical chunks. Skips `[DONE]` (the gateway writes its own) and Azure's
 * leading `prompt_filter_results` chunk, which has no choices, no usage and an empty id.
 * An `error` payload mid-stream (OpenAI sends one on server failures) becomes an exception.
 */
export async function* convertStream(provider: string, events: AsyncIterable<ServerSentEvent>): AsyncGenerator<ChatCompletionChunk> {
  for await (const event of events) {
    if (event.data === '[DONE]') return;
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(event.data) as Record<string, unknown>;
    } catch {
      throw new UpstreamUnavailableError(provider, 'the stream carried an event that is not JSON');
    }
    const error = payload.error as { message?: string; type?: string; code?: string } | undefined;
    if (error && typeof error === 'object') {
      throw new ProviderResponseError(provider, 500, error.message ?? 'stream error', { type: error.type, code: error.code });
    }
    const chunk = payload as unknown as ChatCompletionChunk;
    if (!Array.isArray(chunk.choices)) {
      throw new UpstreamUnavailableError(provider, 'the stream carried an event that is not a chat completion chunk');
    }
    if (chunk.choices.length === 0 && !chunk.usage) continue;
    yield chunk;
  }
}
