import type { Usage } from '../schema/chat-completion-response.js';

/** The counts Sluice accounts for, read from a canonical Usage whatever filled it. */
export interface TokenCounts {
  prompt: number;
  completion: number;
  total: number;
  /** Prompt tokens read from the provider's cache (part of `prompt`). */
  cached: number;
  /** Prompt tokens written to the provider's cache (part of `prompt`). */
  cacheWrite: number;
  /** Completion tokens spent on reasoning (part of `completion`). */
  reasoning: number;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.round(value) : 0);

/**
 * Reads usage defensively: OpenAI-compatible servers pass theirs through as they send it, and
 * some omit `total_tokens` or the details. DeepSeek reports cache hits as
 * `prompt_cache_hit_tokens` (newer versions also as `prompt_tokens_details.cached_tokens`).
 */
export function tokenCounts(usage: Usage): TokenCounts {
  const prompt = count(usage.prompt_tokens);
  const completion = count(usage.completion_tokens);
  const details = usage.prompt_tokens_details ?? {};
  const cached = Math.min(prompt, count(details.cached_tokens) || count(usage.prompt_cache_hit_tokens));
  const cacheWrite = Math.min(prompt - cached, count(details.cache_write_tokens));
  const reasoning = Math.min(completion, count(usage.completion_tokens_details?.reasoning_tokens));
  return { prompt, completion, total: count(usage.total_tokens) || prompt + completion, cached, cacheWrite, reasoning };
}

/** A usage object with every field the gateway relies on present (missing total filled in). */
export function normalizeUsage(usage: Usage): Usage {
  const counts = tokenCounts(usage);
  if (typeof usage.total_tokens === 'number' && (counts.cached === 0 || usage.prompt_tokens_details?.cached_tokens !== undefined)) return usage;
  return {
    ...usage,
    total_tokens: counts.total,
    ...(counts.cached > 0 ? { prompt_tokens_details: { ...usage.prompt_tokens_details, cached_tokens: counts.cached } } : {}),
  };
}
