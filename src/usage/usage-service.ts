import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { Store } from '../store/store.js';
import { PriceTable } from './price-table.js';
import { preloadTokenizer } from './tokenizer.js';
import { UsageRecorder } from './usage-recorder.js';

/** Usage accounting shared by every request: prices, and the batched writer of usage totals. */
export class UsageService {
  readonly prices: PriceTable;
  readonly recorder: UsageRecorder;

  constructor(
    readonly config: GatewayConfig,
    store: Store,
    logger: Logger,
  ) {
    this.prices = new PriceTable(config);
    this.recorder = new UsageRecorder(store, logger);
    // The tokenizer's tables cost ~65 MB of RSS and ~0.35 s to load. Load them at start only when
    // the config declares token limits (every request then needs an estimate); otherwise the
    // first estimate (a key's token limit, a provider reporting no usage) loads them once.
    if (declaresTokenLimits(config)) preloadTokenizer();
  }

  /** Whether callers may state their own cost (`limits.custom_cost_header`). */
  get customCostAllowed(): boolean {
    return this.config.limits.custom_cost_header;
  }

  close(): Promise<void> {
    return this.recorder.close();
  }
}

function declaresTokenLimits(config: GatewayConfig): boolean {
  const scopes = [config.limits, ...Object.values(config.routes).map((route) => route.limits)];
  return scopes.some((scope) => scope?.tpm !== undefined || scope?.tpd !== undefined);
}
