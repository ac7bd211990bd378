import { calcPrice, type ModelPrice, type PriceOptions, type TieredPrices } from '@pydantic/genai-prices';
import type { TokenCounts } from './normalize-usage.js';

type Price = number | TieredPrices;

interface StaticPrices {
  input: Price;
  cacheRead: Price | undefined;
  cacheWrite: Price | undefined;
  output: Price;
}

type Entry = { kind: 'none' } | { kind: 'dynamic' } | { kind: 'static'; modelId: string; prices: StaticPrices };

export interface CatalogCost {
  usd: number;
  input_usd: number;
  output_usd: number;
  modelId: string;
}

/** genai-prices' tier rule: the price of the highest tier whose start the prompt exceeds applies to all tokens. */
function unitPrice(price: Price, promptTokens: number): number {
  if (typeof price === 'number') return price;
  let current = price.base;
  for (const tier of price.tiers) if (promptTokens > tier.start) current = tier.price;
  return current;
}

function compute(prices: StaticPrices, counts: TokenCounts): Omit<CatalogCost, 'modelId'> {
  const { prompt } = counts;
  const uncached = Math.max(0, prompt - counts.cached - counts.cacheWrite);
  const input_usd =
    (uncached * unitPrice(prices.input, prompt) +
      counts.cached * unitPrice(prices.cacheRead ?? prices.input, prompt) +
      counts.cacheWrite * unitPrice(prices.cacheWrite ?? prices.input, prompt)) /
    1e6;
  const output_usd = (counts.completion * unitPrice(prices.output, prompt)) / 1e6;
  return { usd: input_usd + output_usd, input_usd, output_usd };
}

const usageOf = (counts: TokenCounts) => ({ input_tokens: counts.prompt, cache_read_tokens: counts.cached, cache_write_tokens: counts.cacheWrite, output_tokens: counts.completion });
const counts = (prompt: number, cached: number, cacheWrite: number, completion: number): TokenCounts => ({ prompt, cached, cacheWrite, completion, total: prompt + completion, reasoning: 0 });
/** Usages that exercise every token kind, below and above long-context tiers. */
const probes = [counts(1000, 100, 50, 200), counts(1_000_000, 0, 0, 10), counts(300_000, 10_000, 5_000, 1000), counts(10, 0, 0, 0)];
const same = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * `calcPrice` costs 17–33 µs a call here, mostly matching the model name against the table,
 * and ran on every request. The match is the same for a given provider and model, so it is
 * memoized, with the model's price when that price is static. A static price is only used
 * from the cache after this module's arithmetic reproduced `calcPrice` exactly on several
 * usages (tiers included); a model whose price depends on the time of day or date, has a
 * per-request fee, or anything else this arithmetic does not cover keeps calling `calcPrice`.
 */
export class CatalogPrices {
  private readonly entries = new Map<string, Entry>();

  cost(cacheKey: string, model: string, options: PriceOptions, tokens: TokenCounts): CatalogCost | null {
    const key = `${cacheKey}\u0000${model}`;
    const entry = this.entries.get(key) ?? this.fill(key, model, options);
    if (entry.kind === 'none') return null;
    if (entry.kind === 'static') return { ...compute(entry.prices, tokens), modelId: entry.modelId };
    const price = calcPrice(usageOf(tokens), model, options);
    return price && { usd: price.total_price, input_usd: price.input_price, output_usd: price.output_price, modelId: price.model.id };
  }

  private fill(key: string, model: string, options: PriceOptions): Entry {
    // Bounded: model names come from clients and upstreams.
    if (this.entries.size >= 10_000) this.entries.clear();
    const entry = this.classify(model, options);
    this.entries.set(key, entry);
    return entry;
  }

  private classify(model: string, options: PriceOptions): Entry {
    const found = calcPrice(usageOf(probes[0]), model, options);
    if (!found) return { kind: 'none' };
    if (Array.isArray(found.model.prices)) return { kind: 'dynamic' };
    const table = found.model.prices as ModelPrice;
    const input = table.input_mtok;
    if (input === undefined) return { kind: 'dynamic' };
    // Embedding models have no output price; the probes confirm output is then free.
    const prices: StaticPrices = { input, output: table.output_mtok ?? 0, cacheRead: table.cache_read_mtok, cacheWrite: table.cache_write_mtok };
    for (const probe of probes) {
      const expected = calcPrice(usageOf(probe), model, options);
      const actual = compute(prices, probe);
      if (!expected || !same(expected.total_price, actual.usd) || !same(expected.input_price, actual.input_usd) || !same(expected.output_price, actual.output_usd)) {
        return { kind: 'dynamic' };
      }
    }
    return { kind: 'static', modelId: found.model.id, prices };
  }
}
