import type { AnalyticsCell } from './analytics-query.js';
import type { ParsedAnalyticsQuery } from './analytics-input.js';

/** One bucket of one series as the analytics API returns it: a cell's counts plus the ratios derived from them. */
export type AnalyticsPoint = Omit<AnalyticsCell, 'group' | 'feedback_score_sum'> & {
  /** errors / requests; null without requests. */
  error_rate: number | null;
  /** HIT / (HIT + MISS); null when the cache was not asked (BYPASS and cache off are left out). */
  cache_hit_ratio: number | null;
  /** Mean feedback score on this bucket's requests; null without feedback. */
  feedback_mean_score: number | null;
};

export interface AnalyticsSeries {
  group: string | null;
  requests: number;
  points: AnalyticsPoint[];
}

export interface AnalyticsReport {
  interval: string;
  from: string;
  to: string;
  group_by: string | null;
  buckets: string[];
  series: AnalyticsSeries[];
  /** Groups with requests in the range left out by `limit`. */
  groups_omitted: number;
}

/**
 * Sums of doubles are added in a different order by each database; twelve significant digits
 * are far more than a cost or a mean score needs and hide that last-bit noise.
 */
const significant = (value: number) => Number(value.toPrecision(12));
const ratio = (part: number, whole: number) => (whole === 0 ? null : significant(part / whole));

function point(bucket: string, cell: AnalyticsCell | undefined): AnalyticsPoint {
  if (!cell) {
    return {
      bucket, requests: 0, errors: 0, error_rate: null, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, cost_usd: 0,
      cache_hits: 0, cache_misses: 0, cache_hit_ratio: null, latency_p50_ms: null, latency_p95_ms: null, latency_p99_ms: null,
      first_token_p50_ms: null, first_token_p95_ms: null, feedback_count: 0, feedback_mean_score: null,
    };
  }
  return {
    bucket,
    requests: cell.requests,
    errors: cell.errors,
    error_rate: ratio(cell.errors, cell.requests),
    prompt_tokens: cell.prompt_tokens,
    completion_tokens: cell.completion_tokens,
    cached_tokens: cell.cached_tokens,
    cost_usd: significant(cell.cost_usd),
    cache_hits: cell.cache_hits,
    cache_misses: cell.cache_misses,
    cache_hit_ratio: ratio(cell.cache_hits, cell.cache_hits + cell.cache_misses),
    latency_p50_ms: cell.latency_p50_ms,
    latency_p95_ms: cell.latency_p95_ms,
    latency_p99_ms: cell.latency_p99_ms,
    first_token_p50_ms: cell.first_token_p50_ms,
    first_token_p95_ms: cell.first_token_p95_ms,
    feedback_count: cell.feedback_count,
    feedback_mean_score: ratio(cell.feedback_score_sum, cell.feedback_count),
  };
}

/**
 * Series from the store's non-empty cells: every bucket of the range is present in every series
 * (empty ones with zero counts and null ratios and percentiles), the busiest groups first.
 */
export function buildAnalyticsReport(parsed: ParsedAnalyticsQuery, cells: readonly AnalyticsCell[]): AnalyticsReport {
  const { query, buckets, groupLimit } = parsed;
  const byGroup = new Map<string | null, Map<string, AnalyticsCell>>();
  // Without group_by there is always one series, even over an empty range.
  if (!query.groupBy) byGroup.set(null, new Map());
  for (const cell of cells) {
    let group = byGroup.get(cell.group);
    if (!group) byGroup.set(cell.group, (group = new Map()));
    group.set(cell.bucket, cell);
  }
  const ranked = [...byGroup.entries()]
    .map(([group, cellsOfGroup]) => ({ group, cells: cellsOfGroup, requests: [...cellsOfGroup.values()].reduce((sum, cell) => sum + cell.requests, 0) }))
    .sort((a, b) => b.requests - a.requests || compareGroups(a.group, b.group));
  const shown = query.groupBy ? ranked.slice(0, groupLimit) : ranked;
  return {
    interval: query.interval,
    from: query.from,
    to: query.to,
    group_by: query.groupBy ?? null,
    buckets,
    series: shown.map(({ group, cells: cellsOfGroup, requests }) => ({ group, requests, points: buckets.map((bucket) => point(bucket, cellsOfGroup.get(bucket))) })),
    groups_omitted: ranked.length - shown.length,
  };
}

/** Named groups in name order, then the group without a value (e.g. requests without a key). */
function compareGroups(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}
