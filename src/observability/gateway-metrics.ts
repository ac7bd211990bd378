import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LimitService } from '../limits/limit-service.js';
import type { Router } from '../routing/router.js';
import { BoundedLabel } from './bounded-label.js';
import { CacheMetrics } from './cache-metrics.js';
import type { RequestLogRecord } from './request-log-record.js';
import type { RequestLogWriter } from './request-log-writer.js';

export interface MetricsSources {
  limits: Pick<LimitService, 'events' | 'counters'>;
  router: Pick<Router, 'health'>;
  logWriter: Pick<RequestLogWriter, 'depth' | 'dropped' | 'written' | 'failedBatches'>;
  /** Adds a `key` label to request counters: off by default, one series per key can be a lot. */
  keyLabels: boolean;
  /** Alerts (src/alerts/), when configured: they add their own counters to this registry. */
  alerts?: { registerMetrics(registry: Registry): void };
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const breakerStates = ['closed', 'open', 'half_open'] as const;

/**
 * The gateway's Prometheus metrics (`/metrics`), in a registry of its own so several gateways
 * in one process (tests) don't share series. Request metrics are fed from the same finished
 * record the request log gets; the rest is read at scrape time from the services that own it.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly labels = { route: new BoundedLabel(100), provider: new BoundedLabel(50), model: new BoundedLabel(200), key: new BoundedLabel(1000) };
  private readonly requests: Counter;
  private readonly duration: Histogram;
  private readonly firstToken: Histogram;
  private readonly tokens: Counter;
  private readonly cost: Counter;
  readonly inFlight: Gauge;
  private readonly cache: CacheMetrics;

  constructor(private readonly sources: MetricsSources) {
    const registers = [this.registry];
    const requestLabels = ['endpoint', 'route', 'provider', 'model', 'status', 'cache', ...(sources.keyLabels ? ['key'] : [])];
    this.requests = new Counter({ name: 'sluice_requests_total', help: 'Data-plane requests by outcome', labelNames: requestLabels, registers });
    this.duration = new Histogram({ name: 'sluice_request_duration_seconds', help: 'Time from arrival to the end of the response', labelNames: ['endpoint', 'route', 'provider', 'model', 'status', 'cache'], buckets: latencyBuckets, registers });
    this.firstToken = new Histogram({ name: 'sluice_time_to_first_token_seconds', help: 'Time from arrival to the first token (streams) or the answer', labelNames: ['provider', 'model'], buckets: latencyBuckets, registers });
    this.tokens = new Counter({ name: 'sluice_tokens_total', help: 'Tokens by kind', labelNames: ['provider', 'model', 'kind'], registers });
    this.cost = new Counter({ name: 'sluice_cost_usd_total', help: 'Cost of priced requests, USD', labelNames: ['provider', 'model'], registers });
    this.inFlight = new Gauge({ name: 'sluice_requests_in_flight', help: 'Data-plane requests being handled', registers });
    const rejections = new Counter({ name: 'sluice_rate_limit_rejections_total', help: 'Requests refused by a rate limit or budget', labelNames: ['code', 'scope'], registers });
    sources.limits.events.on('limit_refused', (event: { code: string; scope: string }) => rejections.inc({ code: event.code, scope: event.scope }));
    this.cache = new CacheMetrics(this.registry);
    this.scrapeTimeGauges();
    sources.alerts?.registerMetrics(this.registry);
  }

  private scrapeTimeGauges(): void {
    const { sources, registry } = this;
    const registers = [registry];
    new Gauge({ name: 'sluice_log_queue_depth', help: 'Request log records waiting for the store', registers, collect() { this.set(sources.logWriter.depth); } });
    // Counters kept by their owners are exported as their running totals (Prometheus handles resets).
    const totals: Array<[string, string, () => number]> = [
      ['sluice_log_records_dropped_total', 'Request log records dropped because the queue was full', () => sources.logWriter.dropped],
      ['sluice_log_records_written_total', 'Request log records written to the store', () => sources.logWriter.written],
      ['sluice_log_batches_failed_total', 'Request log batches the store refused', () => sources.logWriter.failedBatches],
      ['sluice_limits_backend_errors_total', 'Errors of the limits backend', () => sources.limits.counters.backend_errors],
    ];
    for (const [name, help, read] of totals) {
      new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
    }
    new Gauge({
      name: 'sluice_breaker_state',
      help: 'Circuit breaker state per target: 1 for the current state',
      labelNames: ['target', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const target of await sources.router.health()) {
          for (const state of breakerStates) this.set({ target: target.target, state }, target.state === state ? 1 : 0);
        }
      },
    });
  }

  /** One finished request. Labels go through caps so callers cannot grow the series. */
  observe(record: RequestLogRecord): void {
    const provider = this.labels.provider.value(record.provider);
    const model = this.labels.model.value(record.model_served ?? record.model_requested);
    const labels = { endpoint: record.endpoint, route: this.labels.route.value(record.route), provider, model, status: String(record.status), cache: record.cache_status ?? 'none' };
    this.requests.inc(this.sources.keyLabels ? { ...labels, key: this.labels.key.value(record.key_id) } : labels);
    this.duration.observe(labels, record.latency_ms / 1000);
    if (record.first_token_ms !== null && record.status < 400) this.firstToken.observe({ provider, model }, record.first_token_ms / 1000);
    const kinds: Array<[string, number | null]> = [['prompt', record.prompt_tokens], ['completion', record.completion_tokens], ['cached', record.cached_tokens], ['reasoning', record.reasoning_tokens]];
    for (const [kind, count] of kinds) if (count) this.tokens.inc({ provider, model, kind }, count);
    if (record.cost_usd) this.cost.inc({ provider, model }, record.cost_usd);
    this.cache.observe(record, model);
  }
}
