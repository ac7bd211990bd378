import { Counter, Gauge, type Registry } from 'prom-client';
import type { RequestLogRecord } from './request-log-record.js';

/**
 * The response cache's series: requests by cache outcome, the running hit ratio, and the cost
 * the hits saved. Fed from the same finished record as the request metrics, so a hit is counted
 * once however it was answered (stored entry or a single-flight share).
 */
export class CacheMetrics {
  private readonly outcomes: Counter;
  private readonly costSaved: Counter;
  private hits = 0;
  private misses = 0;
  /** Label children resolved once: `inc(labels)` hashes its labels object on every call. */
  private readonly outcomeChildren = new Map<string, { inc(value?: number): void }>();
  private readonly savedChildren = new Map<string, { inc(value?: number): void }>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.outcomes = new Counter({ name: 'sluice_cache_requests_total', help: 'Requests the response cache took part in, by outcome', labelNames: ['status'], registers });
    this.costSaved = new Counter({ name: 'sluice_cache_cost_saved_usd_total', help: 'USD the cache hits saved: what their answers cost when first bought', labelNames: ['model'], registers });
    const metrics = this;
    new Gauge({
      name: 'sluice_cache_hit_ratio',
      help: 'Cache hits / (hits + misses) since start; bypassed requests are not counted',
      registers,
      collect() {
        const looked = metrics.hits + metrics.misses;
        this.set(looked === 0 ? 0 : metrics.hits / looked);
      },
    });
  }

  /** `model` is the bounded label value the request metrics use. */
  observe(record: RequestLogRecord, model: string): void {
    const status = record.cache_status;
    if (status !== 'HIT' && status !== 'MISS' && status !== 'BYPASS') return;
    let outcome = this.outcomeChildren.get(status);
    if (!outcome) this.outcomeChildren.set(status, (outcome = this.outcomes.labels(status)));
    outcome.inc();
    if (status === 'HIT') this.hits += 1;
    else if (status === 'MISS') this.misses += 1;
    if (!record.cost_saved_usd) return;
    // `model` is already capped by the caller's bounded label, so this map is bounded too.
    let saved = this.savedChildren.get(model);
    if (!saved) this.savedChildren.set(model, (saved = this.costSaved.labels(model)));
    saved.inc(record.cost_saved_usd);
  }
}
