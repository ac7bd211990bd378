/**
 * Usage as the store keeps it: one row per UTC day, key, team, route, provider and model, with
 * the sums of that group's requests. Daily aggregates rather than one row per request keep the
 * table small (and the write path cheap) while answering every usage query by day, and they
 * are what spend is rebuilt from when the embedded gateway restarts (budgets are calendar
 * days, weeks and months, all whole days).
 */
export interface UsageCounts {
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  /** USD of the requests whose price was known. */
  cost_usd: number;
  /** Requests whose price was unknown (their cost is not in cost_usd). */
  unpriced_requests: number;
  /** Requests whose tokens were estimated because the provider reported none. */
  estimated_requests: number;
  /** Requests answered by the response cache: counted in `requests`, with no tokens and no cost. */
  cache_hits: number;
  /** USD the cache hits saved: what their answers cost when they were first bought. */
  cost_saved_usd: number;
}

/** Absent parts are '' (no key when auth is off, no route for `provider/model` calls). */
export interface UsageGroup {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  key_id: string;
  team_id: string;
  route: string;
  provider: string;
  model: string;
}

export type UsageRow = UsageGroup & UsageCounts;

export type UsageDimension = 'day' | 'key' | 'team' | 'route' | 'provider' | 'model';

/** The column each dimension groups by. */
export const dimensionColumns: Record<UsageDimension, keyof UsageGroup> = {
  day: 'day',
  key: 'key_id',
  team: 'team_id',
  route: 'route',
  provider: 'provider',
  model: 'model',
};

export const countColumns: ReadonlyArray<keyof UsageCounts> = [
  'requests',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cached_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_usd',
  'unpriced_requests',
  'estimated_requests',
  'cache_hits',
  'cost_saved_usd',
];

export interface UsageQuery {
  /** First and last day, inclusive, `YYYY-MM-DD`. */
  from: string;
  to: string;
  groupBy: readonly UsageDimension[];
  keyId?: string;
  teamId?: string;
}

/** One result row: the grouped columns, then the sums. */
export type UsageTotals = Partial<UsageGroup> & UsageCounts;

export function emptyCounts(): UsageCounts {
  return {
    requests: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    total_tokens: 0,
    cached_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    unpriced_requests: 0,
    estimated_requests: 0,
    cache_hits: 0,
    cost_saved_usd: 0,
  };
}
