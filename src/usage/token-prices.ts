import type { TokenCounts } from './normalize-usage.js';

/** Prices in USD per 1M tokens, as in the config's `pricing:`. */
export interface TokenPrices {
  input: number;
  output: number;
  /** Prompt tokens read from the provider's cache; default: input. */
  cached_input?: number;
  /** Prompt tokens written to the provider's cache; default: input. */
  cache_write?: number;
}

export interface CostParts {
  input_usd: number;
  output_usd: number;
  usd: number;
}

/**
 * Cached and cache-written tokens are part of the prompt count and priced at their own rates;
 * reasoning tokens are part of the completion count and priced as output, as every provider
 * bills them.
 */
export function costFromPrices(prices: TokenPrices, counts: TokenCounts): CostParts {
  const uncached = Math.max(0, counts.prompt - counts.cached - counts.cacheWrite);
  const input_usd =
    (uncached * prices.input + counts.cached * (prices.cached_input ?? prices.input) + counts.cacheWrite * (prices.cache_write ?? prices.input)) / 1e6;
  const output_usd = (counts.completion * prices.output) / 1e6;
  return { input_usd, output_usd, usd: input_usd + output_usd };
}
