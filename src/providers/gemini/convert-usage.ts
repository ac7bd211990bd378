import type { Usage } from '../../schema/chat-completion-response.js';
import type { GeminiUsageMetadata } from './wire-types.js';

/**
 * `usageMetadata` → OpenAI usage.
 *
 * - prompt_tokens: `promptTokenCount`, which already includes cached tokens (as OpenAI counts
 *   them), plus `toolUsePromptTokenCount` (tokens of server-side tool results, billed as input
 *   and part of Google's total; absent in plain chats).
 * - cached_tokens: `cachedContentTokenCount`.
 * - completion_tokens: `candidatesTokenCount + thoughtsTokenCount` — thoughts are billed as
 *   output, as OpenAI bills reasoning tokens; reasoning_tokens: `thoughtsTokenCount`.
 * - total_tokens: Google's `totalTokenCount` (= the sum above), else the sum.
 */
export function convertUsage(metadata: GeminiUsageMetadata): Usage {
  const prompt = (metadata.promptTokenCount ?? 0) + (metadata.toolUsePromptTokenCount ?? 0);
  const thoughts = metadata.thoughtsTokenCount ?? 0;
  const completion = (metadata.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: metadata.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: metadata.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}
