import type { Usage as CanonicalUsage } from '../../schema/chat-completion-response.js';
import type { MessageDeltaUsage, Usage } from './wire-types.js';

/** The token counts Anthropic reports, whichever event they came from. */
export type AnthropicUsageCounts = Partial<Pick<Usage, 'input_tokens' | 'output_tokens' | 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'output_tokens_details'>>;

/**
 * Anthropic usage → OpenAI usage. Anthropic's `input_tokens` excludes cached tokens ("total
 * input tokens is the sum of input_tokens, cache_creation_input_tokens and
 * cache_read_input_tokens"), while OpenAI's `prompt_tokens` includes them, so the three are
 * added; cache reads are OpenAI's `cached_tokens` and cache writes Sluice's `cache_write_tokens`
 * (priced differently, so kept apart for cost accounting).
 */
export function mapUsage(usage: AnthropicUsageCounts): CanonicalUsage {
  const input = usage.input_tokens ?? 0;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const promptTokens = input + cacheRead + cacheWrite;
  const completionTokens = usage.output_tokens ?? 0;
  const thinkingTokens = usage.output_tokens_details?.thinking_tokens;
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
    ...(typeof thinkingTokens === 'number' ? { completion_tokens_details: { reasoning_tokens: thinkingTokens } } : {}),
  };
}

/**
 * Stream usage: `message_delta.usage` holds cumulative, final totals and wins over
 * `message_start` (FIELD-NOTES.md); a field it leaves null or absent keeps the start value.
 */
export function mergeUsage(start: AnthropicUsageCounts, delta: MessageDeltaUsage): AnthropicUsageCounts {
  const merged: AnthropicUsageCounts = { ...start };
  if (typeof delta.output_tokens === 'number') merged.output_tokens = delta.output_tokens;
  if (typeof delta.input_tokens === 'number') merged.input_tokens = delta.input_tokens;
  if (typeof delta.cache_read_input_tokens === 'number') merged.cache_read_input_tokens = delta.cache_read_input_tokens;
  if (typeof delta.cache_creation_input_tokens === 'number') merged.cache_creation_input_tokens = delta.cache_creation_input_tokens;
  if (delta.output_tokens_details) merged.output_tokens_details = delta.output_tokens_details;
  return merged;
}
