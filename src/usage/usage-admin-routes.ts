import { z } from 'zod';
import type { AdminRoute } from '../admin/admin-route.js';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import { calendarPeriod, utcDay } from '../limits/calendar-periods.js';
import { LimitsUnavailableError } from '../limits/limit-errors.js';
import { budgetPeriodOf, limitKeys, type LimitScope } from '../limits/limit-rules.js';
import { parseInput } from '../tenancy/tenancy-inputs.js';
import { countColumns, emptyCounts, type UsageDimension } from './usage-records.js';
import { budgetListResponse, usageReportResponse } from './usage-response-schemas.js';

const dayOrTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'expected YYYY-MM-DD or an ISO-8601 timestamp');

const usageQuery = z.strictObject({
  group_by: z.enum(['key', 'team', 'model', 'provider', 'route', 'day']).default('key').describe('What each row sums over (default key)'),
  from: dayOrTimestamp.optional().describe('First UTC day, inclusive (a timestamp counts as its day); default 29 days before `to`'),
  to: dayOrTimestamp.optional().describe('Last UTC day, inclusive; default today'),
  key_id: z.string().min(1).optional().describe('Only this key'),
  team_id: z.string().min(1).optional().describe('Only this team'),
});

const dayMs = 86_400_000;

function toDay(value: string, field: string): string {
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new InvalidRequestError(`${field}: not a valid date`, { code: 'invalid_value', param: field });
  return utcDay(ms);
}

export const usageRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/usage',
    operationId: 'getUsage',
    summary: 'Requests, tokens and cost over a range of UTC days, grouped by key, team, model, provider, route or day',
    tag: 'usage',
    query: usageQuery,
    response: { status: 200, schema: usageReportResponse, name: 'UsageReport', description: 'Usage sums per group' },
    errors: [400],
    async handle({ gateway, query }) {
      const input = parseInput(usageQuery, query);
      const to = input.to ? toDay(input.to, 'to') : utcDay(Date.now());
      const from = input.from ? toDay(input.from, 'from') : utcDay(Date.parse(`${to}T00:00:00Z`) - 29 * dayMs);
      if (from > to) throw new InvalidRequestError('from: must not be after `to`', { code: 'invalid_value', param: 'from' });
      // Usage is written in batches: what this instance still holds goes in first.
      await gateway.usage.recorder.flush();
      const groupBy = input.group_by as UsageDimension;
      const filter = { ...(input.key_id && { keyId: input.key_id }), ...(input.team_id && { teamId: input.team_id }) };
      const [rows, totals] = await Promise.all([
        gateway.store.queryUsage({ from, to, groupBy: [groupBy], ...filter }),
        gateway.store.queryUsage({ from, to, groupBy: [], ...filter }),
      ]);
      const names = new Map<string, string>();
      if (groupBy === 'key') for (const key of await gateway.store.listKeys()) names.set(key.id, key.name);
      if (groupBy === 'team') for (const team of await gateway.store.listTeams()) names.set(team.id, team.name);
      const column = { key: 'key_id', team: 'team_id', model: 'model', provider: 'provider', route: 'route', day: 'day' } as const;
      const data = rows
        .sort((a, b) => b.cost_usd - a.cost_usd || b.requests - a.requests)
        .map((row) => {
          const group = String(row[column[groupBy]] ?? '');
          return { group, name: names.get(group) ?? null, ...Object.fromEntries(countColumns.map((name) => [name, row[name]])) };
        });
      const total = totals[0] ?? emptyCounts();
      return { status: 200, body: { group_by: groupBy, from, to, data, totals: Object.fromEntries(countColumns.map((name) => [name, total[name]])) } };
    },
  },
  {
    method: 'GET',
    path: '/usage/budgets',
    operationId: 'listBudgets',
    summary: "Each key's, team's and route's (and the gateway's) spend in its current budget period, against its budget",
    tag: 'usage',
    response: { status: 200, schema: budgetListResponse, name: 'BudgetList', description: 'Every scope that has a budget' },
    errors: [503],
    async handle({ gateway }) {
      const { config, limits } = gateway;
      const scopes: Array<LimitScope & { teamId: string | null }> = [];
      for (const team of await gateway.store.listTeams()) scopes.push({ kind: 'team', id: team.id, name: team.name, limits: team.limits, teamId: null });
      for (const key of await gateway.store.listKeys()) scopes.push({ kind: 'key', id: key.id, name: key.name, limits: key.limits, teamId: key.team_id });
      for (const [name, route] of Object.entries(config.routes)) scopes.push({ kind: 'route', id: name, name, limits: route.limits ?? {}, teamId: null });
      scopes.push({ kind: 'global', id: 'global', name: 'gateway', limits: config.limits, teamId: null });
      const now = Date.now();
      const budgeted = scopes
        .filter((scope) => typeof scope.limits.budget_usd === 'number' && scope.limits.budget_usd > 0)
        .map((scope) => ({ scope, period: calendarPeriod(budgetPeriodOf(scope.limits), now) }));
      let spend: number[];
      try {
        spend = await limits.readSpend(budgeted.map(({ scope, period }) => limitKeys.spend(limits.settings.redis_prefix, scope.kind, scope.id, period)));
      } catch (error) {
        gateway.logger.warn({ err: error }, 'admin budgets: spend counters unreadable');
        throw new LimitsUnavailableError();
      }
      const data = budgeted.map(({ scope, period }, index) => {
        const budget = scope.limits.budget_usd as number;
        const spent = spend[index];
        const fraction = spent / budget;
        return {
          scope: scope.kind,
          id: scope.id,
          name: scope.name,
          team_id: scope.teamId,
          budget_usd: budget,
          period: period.period,
          period_start: new Date(period.startMs).toISOString(),
          period_end: new Date(period.endMs).toISOString(),
          spend_usd: spent,
          remaining_usd: Math.max(0, budget - spent),
          used_fraction: fraction,
          status: fraction >= 1 ? 'exceeded' : fraction >= limits.settings.alert_threshold ? 'alert' : 'ok',
        };
      });
      return { status: 200, body: { backend: limits.backend.kind, data } };
    },
  },
];
