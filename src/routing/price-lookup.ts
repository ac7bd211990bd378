import type { GatewayConfig } from '../config/config-schema.js';

/** USD per 1M tokens. */
export interface TokenPrice {
  input: number;
  output: number;
}

/**
 * Prices the cost strategy ranks targets by. The usage/cost work owns the full price table;
 * this interface is all routing needs from it, so either source can be plugged in.
 */
export interface PriceLookup {
  /** The price of `provider/model`; undefined when unknown (ranked last). */
  priceOf(qualifiedModel: string): TokenPrice | undefined;
}

/** The config's `pricing:` overrides, the only prices known without a price table. */
export function configPriceLookup(config: GatewayConfig): PriceLookup {
  return { priceOf: (model) => config.pricing[model] };
}

/** Tries each lookup in turn: config overrides first, then a built-in table. */
export function firstKnownPrice(...lookups: PriceLookup[]): PriceLookup {
  return {
    priceOf(model) {
      for (const lookup of lookups) {
        const price = lookup.priceOf(model);
        if (price) return price;
      }
      return undefined;
    },
  };
}

/** Estimated USD of one request at `price`; +∞ when the price is unknown. */
export function estimatedCost(price: TokenPrice | undefined, promptTokens: number, outputTokens: number): number {
  if (!price) return Number.POSITIVE_INFINITY;
  return (price.input * promptTokens + price.output * outputTokens) / 1_000_000;
}
