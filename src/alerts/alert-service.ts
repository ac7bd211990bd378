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
import { AlertDeliveryPruner } from './alert-delivery-pruner.js';
import { BreakerRule, BudgetRule } from './event-rules.js';
import { LeaseLostError, type RedisAlertCoordinator } from './redis-alert-coordinator.js';
import { LocalSubjectStates, type SubjectStates } from './subject-states.js';
import { readingOfBuckets, type WindowReading } from './window-aggregate.js';
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
  /**
   * With `redis:`, shared by every instance: window rules are evaluated by one lease holder on
   * every instance's counts, and all firing state is shared, so each alert notifies once.
   */
  coordinator?: RedisAlertCoordinator;
}

/** A window rule's lease outlives this many evaluation intervals of its holder. */
const leaseIntervals = 3;

/**
 * The alerts of one gateway instance (config `alerts:`). Finished requests are counted into the
 * window rules as they end (O(1), nothing awaited); window rules are decided on an unref'd timer;
 * budget and breaker events are decided as they come. Notifications go out in the background.
 * Embedded, the instance evaluates its own traffic and keeps its own cooldowns; with a
 * coordinator (Redis), see `AlertServiceOptions.coordinator`.
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
  /** This instance's firing state: all of it when embedded, the fallback while Redis is unreachable. */
  private readonly localStates: LocalSubjectStates;
  private readonly coordinator: RedisAlertCoordinator | undefined;
  private readonly pruner: AlertDeliveryPruner;
  private evaluation: Promise<AlertPayload[]> | undefined;
  /** Whether the shared store's failure was logged (once per outage). */
  private sharedOutageLogged = false;

  constructor(private readonly options: AlertServiceOptions) {
    const { config, logger } = options;
    const alerts = config.alerts;
    this.clock = options.clock ?? systemClock;
    this.logger = logger;
    this.instance = AlertService.instanceOf(config);
    this.deliverer = new AlertDeliverer(alerts.webhooks, options.store, logger, this.clock, this.metrics);
    this.localStates = new LocalSubjectStates((rule) => alerts.rules[rule]?.cooldown_ms ?? 0);
    this.coordinator = options.coordinator;
    this.pruner = new AlertDeliveryPruner(options.store, logger, alerts.delivery_retention_days, alerts.delivery_prune_interval_ms);
    const routesOf = targetRoutes(config);
    for (const [name, rule] of Object.entries(alerts.rules)) {
      if (rule.type === 'error_rate' || rule.type === 'latency_p95') this.windowRules.push(new WindowRule(name, rule));
      else if (rule.type === 'budget') this.budgetRules.push(new BudgetRule(name, rule, config.limits.alert_threshold));
      else this.breakerRules.push(new BreakerRule(name, rule, (target) => routesOf.get(target) ?? []));
    }
    this.subscribe(options.sources ?? {});
  }

  /** `alerts.instance_id`, by default `hostname:pid`. */
  static instanceOf(config: GatewayConfig): string {
    return config.alerts.instance_id ?? `${hostname()}:${process.pid}`;
  }

  private subscribe({ limits, breakers }: AlertSources): void {
    if (limits && this.budgetRules.length > 0) {
      for (const rule of this.budgetRules) limits.watchBudgetThreshold(rule.threshold);
      const onBudget = (event: BudgetAlertEvent) => this.considerEvent((states, now) => Promise.all(this.budgetRules.map((rule) => rule.consider(event, now, states))));
      limits.events.on('budget_alert', onBudget);
      this.unsubscribe.push(() => limits.events.off('budget_alert', onBudget));
    }
    if (breakers && this.breakerRules.length > 0) {
      const onTransition = (transition: BreakerTransition) =>
        this.considerEvent((states, now) => Promise.all(this.breakerRules.map((rule) => rule.consider(transition, now, states))));
      breakers.on('transition', onTransition);
      this.unsubscribe.push(() => breakers.off('transition', onTransition));
    }
  }

  /**
   * Events arrive inside a request's settle or upstream call: decided now (in the shared state
   * when there is one, else or while it is unreachable in this instance's), notified later,
   * never thrown.
   */
  private considerEvent(decide: (states: SubjectStates, nowMs: number) => Promise<Array<AlertNotice | undefined>>): void {
    const now = this.clock.now();
    const decided = this.coordinator
      ? decide(this.coordinator, now).then(
          (notices) => this.sharedStoreAnswered(notices),
          (error: unknown) => this.sharedStoreFailed(error, () => decide(this.localStates, now)),
        )
      : decide(this.localStates, now);
    decided
      .then((notices) => {
        this.localStates.sweep(now);
        const due = notices.filter((notice): notice is AlertNotice => notice !== undefined);
        if (due.length > 0) setImmediate(() => this.notifyAll(due));
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'alert rule evaluation failed'));
  }

  private sharedStoreAnswered<T>(value: T): T {
    if (this.sharedOutageLogged) this.logger.info('alerts: Redis answers again, alerts are decided once for every instance again');
    this.sharedOutageLogged = false;
    return value;
  }

  /** Redis unreachable: this instance decides alone (an alert may then notify from several instances). */
  private sharedStoreFailed<T>(error: unknown, decideAlone: () => Promise<T>): Promise<T> {
    if (!this.sharedOutageLogged) {
      this.sharedOutageLogged = true;
      this.logger.warn({ err: error }, 'alerts: Redis unreachable, each instance decides its alerts alone until it answers');
    }
    return decideAlone();
  }

  /** Evaluates the window rules every `alerts.evaluate_interval_ms`, and prunes old deliveries. */
  start(): void {
    this.pruner.start();
    if (this.timer || this.windowRules.length === 0) return;
    this.timer = setInterval(() => void this.evaluate(), this.options.config.alerts.evaluate_interval_ms);
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

  /**
   * Decides every window rule now and sends what is due; resolves with the payloads sent. An
   * evaluation still running (a slow Redis) is not overlapped: the call gets its result.
   */
  evaluate(): Promise<AlertPayload[]> {
    this.evaluation ??= this.evaluateRules().finally(() => (this.evaluation = undefined));
    return this.evaluation;
  }

  private async evaluateRules(): Promise<AlertPayload[]> {
    const notices: AlertNotice[] = [];
    const now = this.clock.now();
    for (const rule of this.windowRules) {
      try {
        notices.push(...(this.coordinator ? await this.evaluateShared(rule, this.coordinator, now) : (await rule.decide(rule.localReadings(now), this.localStates, now)).notices));
      } catch (error) {
        this.logger.error({ err: error, rule: rule.name }, 'alert rule evaluation failed');
      }
    }
    this.localStates.sweep(now);
    return this.notifyAll(notices);
  }

  /**
   * Shares this instance's new counts; then, if this instance holds (or takes) the rule's lease,
   * decides on every instance's counts. While Redis is unreachable it decides on its own.
   */
  private async evaluateShared(rule: WindowRule, coordinator: RedisAlertCoordinator, now: number): Promise<AlertNotice[]> {
    // Also keeps the local windows bounded: their subjects are forgotten once empty.
    const local = rule.localReadings(now);
    let lease: string | undefined;
    let readings: Map<string, WindowReading>;
    try {
      const unshared = rule.unshared(now);
      await coordinator.shareWindows(rule.name, rule.bucketMs, unshared);
      rule.markShared(unshared);
      lease = await coordinator.acquireLease(rule.name, leaseIntervals * this.options.config.alerts.evaluate_interval_ms);
      if (!lease) return this.sharedStoreAnswered([]);
      const counts = await coordinator.readWindows(rule.name, rule.bucketMs, now);
      readings = new Map([...counts].map(([subject, buckets]) => [subject, readingOfBuckets(buckets, rule.rule.type === 'latency_p95')]));
    } catch (error) {
      return this.sharedStoreFailed(error, async () => (await rule.decide(local, this.localStates, now)).notices);
    }
    const { notices, failures } = await rule.decide(readings, coordinator, now, lease);
    // A lost lease means another instance took over mid-way: what it decides is its to send.
    const failed = failures.find((failure) => !(failure instanceof LeaseLostError));
    if (failed) this.logger.warn({ err: failed, rule: rule.name }, 'alerts: some subjects of a rule could not be decided in Redis; the next evaluation retries them');
    else this.sharedStoreAnswered(undefined);
    return notices;
  }

  private notifyAll(notices: readonly AlertNotice[]): AlertPayload[] {
    const rules = this.options.config.alerts.rules;
    const sent: AlertPayload[] = [];
    for (const notice of notices) {
      // The episode ended either way (its state says so); only a rule with `resolved: true` tells.
      if (notice.status === 'resolved' && !rules[notice.rule].resolved) continue;
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

  /**
   * Stops the timer, the pruning and event subscriptions, gives back the leases (another
   * instance takes over at its next evaluation), then lets deliveries in flight finish (within
   * a grace).
   */
  async close(graceMs?: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
    await this.evaluation;
    await this.pruner.close();
    await this.coordinator?.close();
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
