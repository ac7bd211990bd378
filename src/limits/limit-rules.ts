import type { BudgetPeriod } from '../store/store-records.js';
import type { BudgetCheck, ConcurrencyCheck, WindowCheck } from './limit-backend.js';
import { budgetPeriods, calendarPeriod, type CalendarPeriod } from './calendar-periods.js';

export type ScopeKind = 'key' | 'team' | 'route' | 'global';

/** Limits of a scope: a key's or team's LimitSettings, or a route's or the gateway's config. */
export interface ScopeLimits {
  rpm?: number | null;
  rpd?: number | null;
  tpm?: number | null;
  tpd?: number | null;
  max_parallel?: number | null;
  budget_usd?: number | null;
  budget_period?: BudgetPeriod | null;
}

/** Who or what a limit applies to. */
export interface LimitScope {
  kind: ScopeKind;
  id: string;
  /** For messages and the budgets API: a key's or team's name. */
  name: string;
  limits: ScopeLimits;
}

export type WindowRuleName = 'rpm' | 'rpd' | 'tpm' | 'tpd';

const windowRules: ReadonlyArray<{ name: WindowRuleName; unit: 'requests' | 'tokens'; windowMs: number }> = [
  { name: 'rpm', unit: 'requests', windowMs: 60_000 },
  { name: 'rpd', unit: 'requests', windowMs: 86_400_000 },
  { name: 'tpm', unit: 'tokens', windowMs: 60_000 },
  { name: 'tpd', unit: 'tokens', windowMs: 86_400_000 },
];

export interface PlannedWindow {
  scope: LimitScope;
  rule: WindowRuleName;
  unit: 'requests' | 'tokens';
  check: WindowCheck;
}

export interface PlannedBudget {
  scope: LimitScope;
  period: CalendarPeriod;
  check: BudgetCheck;
}

/** A spend counter a priced request adds to: every scope, in each of the three periods. */
export interface SpendTarget {
  scope: LimitScope;
  period: CalendarPeriod;
  key: string;
  /** The scope's budget when this is its budget period (for alert events). */
  budgetUsd: number | null;
}

/** Everything to check and count for one request. */
export interface LimitPlan {
  windows: PlannedWindow[];
  concurrency: Array<{ scope: LimitScope; check: ConcurrencyCheck }>;
  budgets: PlannedBudget[];
  spendTargets: SpendTarget[];
  /** Prompt tokens + max_tokens, counted against token limits before the call. */
  tokenEstimate: number;
  leaseId: string;
}

/** Ids go into Redis keys: keep the separators unambiguous whatever a route is called. */
const part = (value: string) => encodeURIComponent(value);

export const limitKeys = {
  window: (prefix: string, scope: LimitScope, rule: WindowRuleName) => `${prefix}w:${scope.kind}:${part(scope.id)}:${rule}`,
  concurrency: (prefix: string, scope: LimitScope) => `${prefix}c:${scope.kind}:${part(scope.id)}`,
  spend: (prefix: string, kind: ScopeKind, id: string, period: CalendarPeriod) => `${prefix}s:${kind}:${part(id)}:${period.key}`,
};

const isSet = (value: number | null | undefined): value is number => typeof value === 'number' && value > 0;

/** Whether any scope has a token limit (only then is the prompt tokenized before the call). */
export function hasTokenLimits(scopes: readonly LimitScope[]): boolean {
  return scopes.some(({ limits }) => isSet(limits.tpm) || isSet(limits.tpd));
}

/** A budget without a period is a monthly budget. */
export function budgetPeriodOf(limits: ScopeLimits): BudgetPeriod {
  return limits.budget_period ?? 'month';
}

const dayMs = 86_400_000;

/**
 * Planning runs on every request: the calendar windows are computed once per UTC day and each
 * scope's counter keys once per day (building them costs more than the memory backend's whole
 * check). The key cache is bounded by clearing it, which only costs a rebuild.
 */
let periodCache: { day: number; periods: CalendarPeriod[] } | undefined;
const keyCache = new Map<string, { day: number; windows: Record<WindowRuleName, string>; concurrency: string; spend: string[] }>();
const keyCacheLimit = 100_000;

function periodsOf(day: number): CalendarPeriod[] {
  if (periodCache?.day !== day) periodCache = { day, periods: budgetPeriods.map((period) => calendarPeriod(period, day * dayMs)) };
  return periodCache.periods;
}

function keysOf(prefix: string, scope: LimitScope, day: number, periods: readonly CalendarPeriod[]) {
  const cacheKey = `${prefix}\u0000${scope.kind}\u0000${scope.id}`;
  let keys = keyCache.get(cacheKey);
  if (keys?.day !== day) {
    if (keyCache.size >= keyCacheLimit) keyCache.clear();
    keys = {
      day,
      windows: { rpm: limitKeys.window(prefix, scope, 'rpm'), rpd: limitKeys.window(prefix, scope, 'rpd'), tpm: limitKeys.window(prefix, scope, 'tpm'), tpd: limitKeys.window(prefix, scope, 'tpd') },
      concurrency: limitKeys.concurrency(prefix, scope),
      spend: periods.map((period) => limitKeys.spend(prefix, scope.kind, scope.id, period)),
    };
    keyCache.set(cacheKey, keys);
  }
  return keys;
}

export function planLimits(scopes: readonly LimitScope[], options: { prefix: string; tokenEstimate: number; leaseId: string; nowMs: number }): LimitPlan {
  const { prefix, tokenEstimate } = options;
  const day = Math.floor(options.nowMs / dayMs);
  const periods = periodsOf(day);
  const plan: LimitPlan = { windows: [], concurrency: [], budgets: [], spendTargets: [], tokenEstimate, leaseId: options.leaseId };
  for (const scope of scopes) {
    const { limits } = scope;
    const keys = keysOf(prefix, scope, day, periods);
    for (const rule of windowRules) {
      const limit = limits[rule.name];
      if (!isSet(limit)) continue;
      const tokens = rule.unit === 'tokens';
      plan.windows.push({
        scope,
        rule: rule.name,
        unit: rule.unit,
        check: { key: keys.windows[rule.name], windowMs: rule.windowMs, limit, cost: tokens ? tokenEstimate : 1, refuseWhenSpent: tokens },
      });
    }
    if (isSet(limits.max_parallel)) plan.concurrency.push({ scope, check: { key: keys.concurrency, limit: limits.max_parallel } });
    const budgetPeriod = isSet(limits.budget_usd) ? budgetPeriodOf(limits) : undefined;
    for (let index = 0; index < periods.length; index += 1) {
      const period = periods[index];
      const key = keys.spend[index];
      const budgetUsd = period.period === budgetPeriod ? (limits.budget_usd as number) : null;
      plan.spendTargets.push({ scope, period, key, budgetUsd });
      if (budgetUsd !== null) plan.budgets.push({ scope, period, check: { key, limit: budgetUsd } });
    }
  }
  return plan;
}
