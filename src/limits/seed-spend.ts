import type { Store } from '../store/store.js';
import { budgetPeriods, calendarPeriod, utcDay } from './calendar-periods.js';
import { limitKeys, type ScopeKind } from './limit-rules.js';
import type { MemoryLimitBackend } from './memory-limit-backend.js';

const dayMs = 86_400_000;

/**
 * Embedded mode keeps spend counters in memory; at start they are rebuilt from the store's
 * daily usage totals, so a restart does not reset budgets. Every counter a priced request adds
 * to (key, team, route, gateway × day, week, month) is rebuilt, from the earliest day any
 * current period covers (at most ~5 weeks of daily rows).
 */
export async function seedSpendFromStore(backend: MemoryLimitBackend, store: Store, prefix: string, nowMs = Date.now()): Promise<number> {
  const periods = budgetPeriods.map((period) => calendarPeriod(period, nowMs));
  const from = utcDay(Math.min(...periods.map((period) => period.startMs)));
  const rows = await store.queryUsage({ from, to: utcDay(nowMs), groupBy: ['day', 'key', 'team', 'route'] });
  const totals = new Map<string, { amountUsd: number; expireAtMs: number }>();
  const add = (kind: ScopeKind, id: string, period: (typeof periods)[number], amount: number) => {
    const key = limitKeys.spend(prefix, kind, id, period);
    const entry = totals.get(key) ?? { amountUsd: 0, expireAtMs: period.endMs + dayMs };
    entry.amountUsd += amount;
    totals.set(key, entry);
  };
  for (const row of rows) {
    if (!row.cost_usd || !row.day) continue;
    const dayStart = Date.parse(`${row.day}T00:00:00Z`);
    for (const period of periods) {
      if (dayStart < period.startMs) continue;
      add('global', 'global', period, row.cost_usd);
      if (row.key_id) add('key', row.key_id, period, row.cost_usd);
      if (row.team_id) add('team', row.team_id, period, row.cost_usd);
      if (row.route) add('route', row.route, period, row.cost_usd);
    }
  }
  backend.seedSpend(totals);
  return rows.length;
}
