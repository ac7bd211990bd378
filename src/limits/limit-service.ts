import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { AuthenticatedKey } from '../tenancy/key-verifier.js';
import type { LimitBackend } from './limit-backend.js';
import type { LimitsConfig } from './limit-config.js';
import { judge, describeScope } from './limit-decision.js';
import { LimitsUnavailableError } from './limit-errors.js';
import { LimitEvents } from './limit-events.js';
import { hasTokenLimits, planLimits, type LimitPlan, type LimitScope } from './limit-rules.js';
import { MemoryLimitBackend } from './memory-limit-backend.js';
import { RedisLimitBackend } from './redis-limit-backend.js';
import type { GatewayError } from '../errors/gateway-errors.js';

/** A request let through: what to reconcile and release once it is complete. */
export interface LimitGrant {
  plan: LimitPlan;
  /** The backend's clock at acquire: token corrections go to the bucket the estimate went to. */
  acquiredAtMs: number;
  /** False when nothing was counted (no limit applies, or the backend was down and failing open). */
  counted: boolean;
  /**
   * The backend failed to answer (fail_open): a timed-out script may still have run and taken
   * an in-flight lease, so the lease is released anyway (releasing an absent one is harmless).
   */
  uncertain?: boolean;
}

export type LimitDecision = { headers: Record<string, string>; grant: LimitGrant; refusal?: undefined } | { headers: Record<string, string>; refusal: GatewayError; grant?: undefined };

/** What a finished request consumed. */
export interface LimitOutcome {
  /** Real (or estimated) prompt + completion tokens; undefined when nothing is known. */
  totalTokens: number | undefined;
  /** USD; null when the price is unknown (nothing is added to spend then). */
  costUsd: number | null;
}

/** Counters for the observability issue's metrics; monotonic. */
export interface LimitCounters {
  backend_errors: number;
  failed_open: number;
  failed_closed: number;
  refused: number;
  budget_alerts: number;
}

const dayMs = 86_400_000;
/** While the backend stays down, one warning per this interval (each failure is still counted). */
const failureLogIntervalMs = 30_000;

/**
 * Enforces the limits of keys, teams, routes and the gateway (config `limits:`) on one backend:
 * acquire before the upstream call, settle (reconcile tokens, add spend, release the in-flight
 * slot) once the response is complete.
 */
export class LimitService {
  readonly events = new LimitEvents();
  readonly counters: LimitCounters = { backend_errors: 0, failed_open: 0, failed_closed: 0, refused: 0, budget_alerts: 0 };
  readonly settings: LimitsConfig;
  private readonly globalScope: LimitScope;
  private readonly instanceId = randomBytes(6).toString('hex');
  private leaseCounter = 0;
  /** Budget fractions that fire `budget_alert`, ascending: alert_threshold, 1, and those alert rules ask for. */
  private budgetThresholds: number[];
  private healthy = true;
  private lastFailureLogMs = 0;

  constructor(
    readonly backend: LimitBackend,
    private readonly config: GatewayConfig,
    private readonly logger: Logger,
  ) {
    this.settings = config.limits;
    this.budgetThresholds = [...new Set([config.limits.alert_threshold, 1])].sort((a, b) => a - b);
    this.globalScope = { kind: 'global', id: 'global', name: 'gateway', limits: config.limits };
  }

  /** Redis when the config names one (shared by every instance), else this process's memory. */
  static create(config: GatewayConfig, logger: Logger): LimitService {
    let service: LimitService | undefined;
    const backend = config.redis
      ? new RedisLimitBackend({
          url: config.redis,
          commandTimeoutMs: config.limits.redis_timeout_ms,
          onConnectionError: (error) => service?.backendFailed(error),
        })
      : new MemoryLimitBackend();
    service = new LimitService(backend, config, logger);
    return service;
  }

  /** Key, team, route (when the model names one) and the gateway, tightest first in spirit. */
  scopesFor(principal: AuthenticatedKey | undefined, routeName: string | undefined): LimitScope[] {
    const scopes: LimitScope[] = [];
    if (principal) {
      scopes.push({ kind: 'key', id: principal.key.id, name: principal.key.name, limits: principal.key.limits });
      scopes.push({ kind: 'team', id: principal.team.id, name: principal.team.name, limits: principal.team.limits });
    }
    const route = routeName === undefined ? undefined : this.config.routes[routeName];
    if (route) scopes.push({ kind: 'route', id: routeName as string, name: routeName as string, limits: route.limits ?? {} });
    scopes.push(this.globalScope);
    return scopes;
  }

  /**
   * Checks and counts a request. `estimateTokens` runs only when a token limit applies (it
   * tokenizes the prompt). Never throws for a backend failure: fail_open lets the request
   * through uncounted, fail_closed returns a 503 refusal.
   */
  async acquire(scopes: readonly LimitScope[], estimateTokens: () => number | Promise<number>): Promise<LimitDecision> {
    const tokenEstimate = hasTokenLimits(scopes) ? await estimateTokens() : 0;
    const nowMs = Date.now();
    const plan = planLimits(scopes, { prefix: this.settings.redis_prefix, tokenEstimate, nowMs, leaseId: `${this.instanceId}-${++this.leaseCounter}` });
    if (plan.windows.length === 0 && plan.concurrency.length === 0 && plan.budgets.length === 0) {
      return { headers: {}, grant: { plan, acquiredAtMs: nowMs, counted: false } };
    }
    let result;
    try {
      result = await this.backend.acquire({
        windows: plan.windows.map((window) => window.check),
        concurrency: plan.concurrency.map((entry) => entry.check),
        budgets: plan.budgets.map((budget) => budget.check),
        leaseId: plan.leaseId,
      });
      this.backendWorked();
    } catch (error) {
      this.counters.backend_errors += 1;
      this.backendFailed(error as Error);
      if (this.settings.on_redis_error === 'fail_closed') {
        this.counters.failed_closed += 1;
        return { headers: {}, refusal: new LimitsUnavailableError() };
      }
      this.counters.failed_open += 1;
      return { headers: {}, grant: { plan, acquiredAtMs: nowMs, counted: false, uncertain: true } };
    }
    const verdict = judge(plan, result);
    if (verdict.refusal) {
      this.counters.refused += 1;
      if (verdict.refusedBy) {
        const { scope, rule, retryAfterSeconds } = verdict.refusedBy;
        const code = verdict.refusal.code as 'rate_limit_exceeded' | 'budget_exceeded';
        this.events.emit('limit_refused', { code, scope: scope.kind, id: scope.id, rule, retry_after_seconds: retryAfterSeconds });
      }
      return { headers: verdict.headers, refusal: verdict.refusal };
    }
    return { headers: verdict.headers, grant: { plan, acquiredAtMs: result.nowMs, counted: true } };
  }

  /** Reconciles tokens, adds spend (firing budget alerts), releases the in-flight slot. */
  async settle(grant: LimitGrant, outcome: LimitOutcome): Promise<void> {
    const { plan } = grant;
    const corrections =
      grant.counted && outcome.totalTokens !== undefined
        ? plan.windows
            .filter((window) => window.unit === 'tokens' && outcome.totalTokens !== plan.tokenEstimate)
            .map((window) => ({ key: window.check.key, windowMs: window.check.windowMs, acquiredAtMs: grant.acquiredAtMs, delta: (outcome.totalTokens as number) - plan.tokenEstimate }))
        : [];
    const releases = grant.counted || grant.uncertain ? plan.concurrency.map((entry) => entry.check.key) : [];
    const cost = outcome.costUsd ?? 0;
    const spend = cost > 0 ? plan.spendTargets.map((target) => ({ key: target.key, amountUsd: cost, expireAtMs: target.period.endMs + dayMs })) : [];
    if (corrections.length === 0 && releases.length === 0 && spend.length === 0) return;
    try {
      const { spendAfter } = await this.backend.settle({ leaseId: plan.leaseId, corrections, releases, spend });
      this.backendWorked();
      if (spend.length > 0) this.fireBudgetAlerts(plan, cost, spendAfter);
    } catch (error) {
      // Leases expire on their own in Redis; the spend of this request is lost (logged).
      this.counters.backend_errors += 1;
      this.backendFailed(error as Error);
    }
  }

  /** Also fire `budget_alert` (level `alert`) when spend crosses this fraction of a budget. */
  watchBudgetThreshold(fraction: number): void {
    if (fraction > 0 && fraction < 1) this.budgetThresholds = [...new Set([...this.budgetThresholds, fraction])].sort((a, b) => a - b);
  }

  /** Current spend of counters (budgets API). */
  readSpend(keys: string[]): Promise<number[]> {
    return this.backend.readSpend(keys);
  }

  private fireBudgetAlerts(plan: LimitPlan, cost: number, spendAfter: number[]): void {
    plan.spendTargets.forEach((target, index) => {
      if (target.budgetUsd === null) return;
      const after = spendAfter[index];
      const before = after - cost;
      for (const threshold of this.budgetThresholds) {
        const line = target.budgetUsd * threshold;
        // Only the increment that crosses the line fires: once per scope and period.
        if (!(before < line && after >= line)) continue;
        const level = threshold === 1 ? 'exceeded' : 'alert';
        const { scope, period } = target;
        this.counters.budget_alerts += 1;
        this.logger.warn(
          { scope: scope.kind, id: scope.id, period: period.key, spend_usd: after, budget_usd: target.budgetUsd },
          level === 'exceeded' ? `budget exhausted: ${describeScope(scope)}` : `budget alert: ${describeScope(scope)} reached ${Math.round(threshold * 100)}% of its budget`,
        );
        this.events.emit('budget_alert', {
          level,
          scope: scope.kind,
          id: scope.id,
          name: scope.name,
          period: period.period,
          period_key: period.key,
          budget_usd: target.budgetUsd,
          spend_usd: after,
          threshold,
        });
      }
    });
  }

  private backendFailed(error: Error): void {
    const now = Date.now();
    const wasHealthy = this.healthy;
    this.healthy = false;
    if (wasHealthy) this.events.emit('backend_unavailable', { backend: this.backend.kind, error: error.message });
    if (wasHealthy || now - this.lastFailureLogMs >= failureLogIntervalMs) {
      this.lastFailureLogMs = now;
      this.logger.warn(
        { err: error, backend: this.backend.kind, mode: this.settings.on_redis_error, errors: this.counters.backend_errors },
        `limits backend unreachable: requests are ${this.settings.on_redis_error === 'fail_open' ? 'let through unchecked' : 'refused'} until it is back`,
      );
    }
  }

  private backendWorked(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.info({ backend: this.backend.kind }, 'limits backend reachable again');
    this.events.emit('backend_recovered', { backend: this.backend.kind });
  }

  get backendHealthy(): boolean {
    return this.healthy;
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}
