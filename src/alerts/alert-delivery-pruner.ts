import type { Logger } from 'pino';
import type { Store } from '../store/store.js';

const dayMs = 86_400_000;

/**
 * Deletes `alert_deliveries` rows older than `alerts.delivery_retention_days`, on an unref'd
 * timer (first pass at start). Several instances pruning the same table is harmless: a delete
 * by age is idempotent. Failures are only logged; the next pass retries.
 */
export class AlertDeliveryPruner {
  private timer: NodeJS.Timeout | undefined;
  private pruning: Promise<number> | undefined;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly retentionDays: number,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer || this.retentionDays <= 0) return;
    void this.prune();
    this.timer = setInterval(() => void this.prune(), this.intervalMs);
    this.timer.unref();
  }

  /** One pass (one at a time); resolves with the rows deleted, 0 when it failed. */
  prune(nowMs = Date.now()): Promise<number> {
    if (this.retentionDays <= 0) return Promise.resolve(0);
    this.pruning ??= this.store
      .pruneAlertDeliveries(new Date(nowMs - this.retentionDays * dayMs).toISOString())
      .then((deleted) => {
        if (deleted > 0) this.logger.info({ deleted }, 'alert deliveries pruned');
        return deleted;
      })
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'pruning alert deliveries failed');
        return 0;
      })
      .finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.pruning;
  }
}
