import type { PriceOptions } from '@pydantic/genai-prices';
import { CatalogPrices } from './catalog-prices.js';
import type { GatewayConfig, ProviderConfig } from '../config/config-schema.js';
import type { CustomCost } from './custom-cost-header.js';
import type { TokenCounts } from './normalize-usage.js';
import { costFromPrices, type TokenPrices } from './token-prices.js';

/** Where a request's price came from. */
export type CostSource = 'header' | 'pricing' | 'catalog';

/** A request's cost, on the request context for logs and budgets. */
export interface RequestCost {
  usd: number;
  /** Input and output parts; null when the caller gave only a total. */
  input_usd: number | null;
  output_usd: number | null;
  source: CostSource;
  /** The model name the price was found for. */
  model: string;
}

/** The call to price: which configured provider answered, and with which model. */
export interface PricedCall {
  providerName: string;
  /** `provider/model` as the client or route named it. */
  qualifiedModel: string;
  upstreamModel: string;
  /** The model the provider said answered (often a dated snapshot), when it said. */
  reportedModel?: string;
}

/**
 * The genai-prices lookup for a provider. The vendor's own API (no base_url) is priced from
 * that vendor's table. Any other base_url is matched against the table's API URL patterns
 * (Groq, DeepSeek, Mistral, … are recognised); an unrecognised server — a local model, a
 * proxy — gets no price rather than a guess, since a wrong price is worse than none.
 */
function catalogOptions(provider: ProviderConfig): PriceOptions {
  if (provider.type === 'azure-openai') return { providerId: 'azure' };
  if (provider.base_url) return { providerApiUrl: provider.base_url };
  return { providerId: provider.type === 'gemini' ? 'google' : provider.type };
}

/**
 * Prices requests: the caller's `x-sluice-custom-cost`, else the config's `pricing:` (exact
 * `provider/model`, then `provider/*`), else the built-in table of @pydantic/genai-prices
 * (offline data shipped in the package; `updatePrices` is never called). No price → null.
 */
export class PriceTable {
  private readonly catalog = new CatalogPrices();

  constructor(private readonly config: GatewayConfig) {}

  /** The configured override for a call, if any. */
  override(call: PricedCall): TokenPrices | undefined {
    const { pricing } = this.config;
    return (
      pricing[call.qualifiedModel] ??
      (call.reportedModel ? pricing[`${call.providerName}/${call.reportedModel}`] : undefined) ??
      pricing[`${call.providerName}/${call.upstreamModel}`] ??
      pricing[`${call.providerName}/*`]
    );
  }

  cost(call: PricedCall, counts: TokenCounts, custom?: CustomCost): RequestCost | null {
    if (custom?.kind === 'total') return { usd: custom.usd, input_usd: null, output_usd: null, source: 'header', model: call.qualifiedModel };
    if (custom?.kind === 'prices') return { ...costFromPrices(custom.prices, counts), source: 'header', model: call.qualifiedModel };
    const override = this.override(call);
    if (override) return { ...costFromPrices(override, counts), source: 'pricing', model: call.qualifiedModel };
    const provider = this.config.providers[call.providerName];
    if (!provider) return null;
    const options = catalogOptions(provider);
    for (const model of new Set([call.reportedModel, call.upstreamModel])) {
      if (!model) continue;
      const price = this.catalog.cost(call.providerName, model, options, counts);
      if (price) return { usd: price.usd, input_usd: price.input_usd, output_usd: price.output_usd, source: 'catalog', model: price.modelId };
    }
    return null;
  }
}
