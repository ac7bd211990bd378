import type { PriceLookup, TokenPrice } from './price-lookup.js';

/**
 * The part of the usage price table (src/usage/price-table.ts: config `pricing:`, then the
 * built-in catalog) that routing uses, described by shape so routing does not depend on the
 * table's internals.
 */
export interface CallPricer {
  cost(
    call: { providerName: string; qualifiedModel: string; upstreamModel: string },
    counts: { prompt: number; completion: number; total: number; cached: number; cacheWrite: number; reasoning: number },
  ): { usd: number } | null;
}

const million = 1_000_000;
const noTokens = { prompt: 0, completion: 0, total: 0, cached: 0, cacheWrite: 0, reasoning: 0 };

/**
 * Per-token prices read off the price table by pricing one million input and one million output
 * tokens. Cached per model: the cost strategy asks on every request, the table does not change.
 */
export function priceTableLookup(pricer: CallPricer): PriceLookup {
  const known = new Map<string, TokenPrice | null>();
  return {
    priceOf(model) {
      let price = known.get(model);
      if (price === undefined) {
        const slash = model.indexOf('/');
        const call = { providerName: model.slice(0, slash), qualifiedModel: model, upstreamModel: model.slice(slash + 1) };
        const input = pricer.cost(call, { ...noTokens, prompt: million, total: million });
        const output = pricer.cost(call, { ...noTokens, completion: million, total: million });
        price = input && output ? { input: input.usd, output: output.usd } : null;
        known.set(model, price);
      }
      return price ?? undefined;
    },
  };
}
