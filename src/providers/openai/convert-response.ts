import type { ChatCompletion } from '../../schema/chat-completion-response.js';
import { UpstreamUnavailableError } from '../../errors/gateway-errors.js';

/** OpenAI's answer is already canonical; only check it is one, so later stages can rely on it. */
export function convertResponse(provider: string, body: unknown): ChatCompletion {
  const completion = body as ChatCompletion;
  if (!completion || typeof completion !== 'object' || !Array.isArray(completion.choices)) {
    throw new UpstreamUnavailableError(provider, 'the response is not a chat completion');
  }
  return completion;
}
