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
    // Estimates need the tokenizer; its tables load in the background instead of in a request.
    preloadTokenizer();
  }

  /** Whether callers may state their own cost (`limits.custom_cost_header`). */
  get customCostAllowed(): boolean {
    return this.config.limits.custom_cost_header;
  }

  close(): Promise<void> {
    return this.recorder.close();
  }
}
