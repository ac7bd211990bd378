import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GatewayConfig } from '../config/config-schema.js';
import type { BudgetAlertEvent, LimitEvents } from '../limits/limit-events.js';
import type { RequestLogRecord } from '../observability/request-log-record.js';
import type { BreakerEvents, BreakerTransition } from '../routing/breaker-transitions.js';
import { systemClock, type Clock } from '../routing/clock.js';
import type { Store } from '../store/store.js';
import { AlertDeliverer } from './alert-deliverer.js';
import { AlertMetrics } from './alert-metrics.js';
import { buildAlertPayload, type AlertNotice, type AlertPayload } from './alert-payload.js';
import { BreakerRule, BudgetRule } from './event-rules.js';
import { WindowRule } from './window-rule.js';

export interface AlertSources {
  /** Budget crossings; `watchBudgetThreshold` makes the limits fire at a rule's fraction. */
  limits?: { readonly events: LimitEvents; watchBudgetThreshold(fraction: number): void };
  /** Breaker state changes of this instance. */
  breakers?: BreakerEvents;
}

export interface AlertServiceOptions {
  config: GatewayConfig;
  store: Store;
  logger: Logger;
  sources?: AlertSources;
  /** Time of windows and cooldowns, and the waits between retries (tests inject a manual one). */
  clock?: Clock;
}

/**
 * The alerts of one gateway instance (config `alerts:`). Finished requests are counted into the
 * window rules as they end (O(1), nothing awaited); window rules are decided on an unref'd timer;
 * budget and breaker events are decided as they come. Notifications go out in the background.
 * Each instance evaluates its own traffic and keeps its own cooldowns.
 */
export class AlertService {
  readonly instance: string;
  readonly metrics = new AlertMetrics();
  readonly deliverer: AlertDeliverer;
  private readonly windowRules: WindowRule[] = [];
  private readonly budgetRules: BudgetRule[] = [];
  private readonly breakerRules: BreakerRule[] = [];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly options: AlertServiceOptions) {
    const { config, logger } = options;
    const alerts = config.alerts;
    this.clock = options.clock ?? systemClock;
    this.logger = logger;
    this.instance = alerts.instance_id ?? `${hostname()}:${process.pid}`;
    this.deliverer = new AlertDeliverer(alerts.webhooks, options.store, logger, this.clock, this.metrics);
    const routesOf = targetRoutes(config);
    for (const [name, rule] of Object.entries(alerts.rules)) {
      if (rule.type === 'error_rate' || rule.type === 'latency_p95') this.windowRules.push(new WindowRule(name, rule));
      else if (rule.type === 'budget') this.budgetRules.push(new BudgetRule(name, rule, config.limits.alert_threshold));
      else this.breakerRules.push(new BreakerRule(name, rule, (target) => routesOf.get(target) ?? []));
    }
    this.subscribe(options.sources ?? {});
  }

  private subscribe({ limits, breakers }: AlertSources): void {
    if (limits && this.budgetRules.length > 0) {
      for (const rule of this.budgetRules) limits.watchBudgetThreshold(rule.threshold);
      const onBudget = (event: BudgetAlertEvent) => this.considerEvent(() => this.budgetRules.map((rule) => rule.consider(event, this.clock.now())));
      limits.events.on('budget_alert', onBudget);
      this.unsubscribe.push(() => limits.events.off('budget_alert', onBudget));
    }
    if (breakers && this.breakerRules.length > 0) {
      const onTransition = (transition: BreakerTransition) => this.considerEvent(() => this.breakerRules.map((rule) => rule.consider(transition, this.clock.now())));
      breakers.on('transition', onTransition);
      this.unsubscribe.push(() => breakers.off('transition', onTransition));
    }
  }

  /** Events arrive inside a request's settle or upstream call: decided now, notified later, never thrown. */
  private considerEvent(decide: () => Array<AlertNotice | undefined>): void {
    try {
      const notices = decide().filter((notice): notice is AlertNotice => notice !== undefined);
      if (notices.length > 0) setImmediate(() => this.notifyAll(notices));
    } catch (error) {
      this.logger.error({ err: error }, 'alert rule evaluation failed');
    }
  }

  /** Evaluates the window rules every `alerts.evaluate_interval_ms`. */
  start(): void {
    if (this.timer || this.windowRules.length === 0) return;
    this.timer = setInterval(() => this.evaluate(), this.options.config.alerts.evaluate_interval_ms);
    this.timer.unref();
  }

  /** One finished request (from the log stage). Must stay O(rules) and never throw. */
  observe(record: RequestLogRecord, team: string | undefined): void {
    if (this.windowRules.length === 0) return;
    try {
      const now = this.clock.now();
      for (const rule of this.windowRules) rule.observe(record, team, now);
    } catch (error) {
      this.logger.error({ err: error }, 'counting a request for alerts failed');
    }
  }

  /** Decides every window rule now and sends what is due; returns the payloads sent. */
  evaluate(): AlertPayload[] {
    const notices: AlertNotice[] = [];
    try {
      const now = this.clock.now();
      for (const rule of this.windowRules) notices.push(...rule.evaluate(now));
    } catch (error) {
      this.logger.error({ err: error }, 'alert rule evaluation failed');
    }
    return this.notifyAll(notices);
  }

  private notifyAll(notices: readonly AlertNotice[]): AlertPayload[] {
    const rules = this.options.config.alerts.rules;
    const sent: AlertPayload[] = [];
    for (const notice of notices) {
      try {
        const payload = buildAlertPayload(notice, this.instance);
        (notice.status === 'firing' ? this.metrics.fired : this.metrics.resolved).inc({ rule: notice.rule, type: notice.type });
        this.logger.warn({ rule: notice.rule, subject: notice.subject, value: notice.value, status: notice.status, alert_id: payload.id }, `alert ${notice.status}: ${notice.summary}`);
        this.deliverer.send(notice.rule, rules[notice.rule].webhook, payload);
        sent.push(payload);
      } catch (error) {
        // Runs from a timer or setImmediate: a throw here would end the process.
        this.logger.error({ err: error, rule: notice.rule }, 'sending an alert failed');
      }
    }
    return sent;
  }

  registerMetrics(registry: Registry): void {
    this.metrics.register(registry);
  }

  /** Stops the timer and event subscriptions, then lets deliveries in flight finish (within a grace). */
  async close(graceMs?: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    await this.deliverer.close(graceMs);
  }
}

/** The routes that hold each target directly (breaker payloads name them). */
function targetRoutes(config: GatewayConfig): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const [name, route] of Object.entries(config.routes)) {
    for (const target of route.targets) {
      const known = routes.get(target.model);
      if (known) {
        if (!known.includes(name)) known.push(name);
      } else routes.set(target.model, [name]);
    }
  }
  return routes;
}
