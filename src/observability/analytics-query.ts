/** Width of one analytics bucket; buckets are aligned to UTC minutes, hours and days. */
export type AnalyticsInterval = 'minute' | 'hour' | 'day';
export const analyticsIntervals = ['minute', 'hour', 'day'] as const satisfies readonly AnalyticsInterval[];

/** What a series may be split by; `model` is the served model, or the requested one when none was served. */
export type AnalyticsGroupBy = 'model' | 'provider' | 'route' | 'key' | 'team';
export const analyticsGroupBys = ['model', 'provider', 'route', 'key', 'team'] as const satisfies readonly AnalyticsGroupBy[];

export const intervalMs: Record<AnalyticsInterval, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** An analytics query as the store takes it: already validated, `from` aligned to a bucket start. */
export interface AnalyticsQuery {
  interval: AnalyticsInterval;
  /** ISO-8601 UTC, inclusive. */
  from: string;
  /** ISO-8601 UTC, exclusive. */
  to: string;
  groupBy?: AnalyticsGroupBy;
  keyId?: string;
  teamId?: string;
  route?: string;
  provider?: string;
  /** Matches the requested or the served model, as in the logs API. */
  model?: string;
}

/**
 * The aggregates of one (bucket, group) that has at least one request, as the store computes
 * them; ratios and means are derived from these counts and sums outside the store.
 */
export interface AnalyticsCell {
  /** Start of the bucket, ISO-8601 UTC. */
  bucket: string;
  group: string | null;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cost_usd: number;
  cache_hits: number;
  cache_misses: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  first_token_p50_ms: number | null;
  first_token_p95_ms: number | null;
  feedback_count: number;
  feedback_score_sum: number;
}
