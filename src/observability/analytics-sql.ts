import type { AnalyticsCell, AnalyticsGroupBy, AnalyticsInterval, AnalyticsQuery } from './analytics-query.js';

/**
 * Analytics over request_logs, in SQL for both dialects. `at` is an ISO-8601 UTC string, so a
 * bucket is a prefix of it (the same expression on SQLite and PostgreSQL, and the range filter
 * stays an index range scan on `at`).
 */
const bucketPrefixLength: Record<AnalyticsInterval, number> = { minute: 16, hour: 13, day: 10 };
const bucketSuffix: Record<AnalyticsInterval, string> = { minute: ':00.000Z', hour: ':00:00.000Z', day: 'T00:00:00.000Z' };

/** Fixed expressions: only parameters come from the query string. */
const groupExpression: Record<AnalyticsGroupBy, string> = {
  model: 'COALESCE(r.model_served, r.model_requested)',
  provider: 'r.provider',
  route: 'r.route',
  key: 'r.key_id',
  team: 'r.team_id',
};

type SqlDialect = 'sqlite' | 'postgres';

/** The matching rows, one per request, with their bucket, group and the feedback score if any. */
function baseSelect(dialect: SqlDialect, query: AnalyticsQuery, parameters: unknown[]): string {
  const bind = (value: unknown) => {
    parameters.push(value);
    return dialect === 'sqlite' ? '?' : `$${parameters.length}`;
  };
  const conditions = [`r.at >= ${bind(query.from)}`, `r.at < ${bind(query.to)}`];
  if (query.keyId !== undefined) conditions.push(`r.key_id = ${bind(query.keyId)}`);
  if (query.teamId !== undefined) conditions.push(`r.team_id = ${bind(query.teamId)}`);
  if (query.route !== undefined) conditions.push(`r.route = ${bind(query.route)}`);
  if (query.provider !== undefined) conditions.push(`r.provider = ${bind(query.provider)}`);
  if (query.model !== undefined) conditions.push(`(r.model_served = ${bind(query.model)} OR r.model_requested = ${bind(query.model)})`);
  const group = query.groupBy ? groupExpression[query.groupBy] : 'CAST(NULL AS TEXT)';
  return `SELECT substr(r.at, 1, ${bucketPrefixLength[query.interval]}) AS bucket, ${group} AS grp,
      r.status, r.prompt_tokens, r.completion_tokens, r.cached_tokens, r.cost_usd, r.cache_status,
      r.latency_ms, r.first_token_ms, f.score
    FROM request_logs r LEFT JOIN request_feedback f ON f.request_id = r.id
    WHERE ${conditions.join(' AND ')}`;
}

const sums = `COUNT(*) AS requests,
    SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END) AS errors,
    COALESCE(SUM(prompt_tokens), 0) AS prompt_tokens,
    COALESCE(SUM(completion_tokens), 0) AS completion_tokens,
    COALESCE(SUM(cached_tokens), 0) AS cached_tokens,
    COALESCE(SUM(cost_usd), 0) AS cost_usd,
    SUM(CASE WHEN cache_status = 'HIT' THEN 1 ELSE 0 END) AS cache_hits,
    SUM(CASE WHEN cache_status = 'MISS' THEN 1 ELSE 0 END) AS cache_misses,
    COUNT(score) AS feedback_count,
    COALESCE(SUM(score), 0) AS feedback_score_sum`;

/**
 * SQLite has no percentile aggregate. Each row learns its 0-based rank among the non-null values
 * of its cell, the cell's count and the previous value (window functions); the aggregate then
 * sums, per percentile, the value at rank floor(p·(n−1)) and (next − that)·fraction at the rank
 * after it. That is PostgreSQL's percentile_cont — lo + fraction·(hi − lo), the same operations
 * in the same order — so both backends return the same doubles.
 */
function sqlitePercentile(value: string, percentile: number): string {
  const position = `(${percentile} * (${value}_count - 1))`;
  const lowRank = `CAST(${position} AS INTEGER)`;
  return `SUM(CASE WHEN ${value} IS NULL THEN NULL
      WHEN ${value}_rank = ${lowRank} THEN ${value}
      WHEN ${value}_rank = ${lowRank} + 1 THEN (${value} - ${value}_previous) * (${position} - ${lowRank})
    END)`;
}

function sqliteAnalyticsSql(query: AnalyticsQuery, parameters: unknown[]): string {
  return `WITH base AS (${baseSelect('sqlite', query, parameters)}),
  ranked AS (
    SELECT base.*,
      ROW_NUMBER() OVER latency_order - 1 AS latency_ms_rank,
      LAG(latency_ms) OVER latency_order AS latency_ms_previous,
      COUNT(latency_ms) OVER cell AS latency_ms_count,
      ROW_NUMBER() OVER first_token_order - 1 AS first_token_ms_rank,
      LAG(first_token_ms) OVER first_token_order AS first_token_ms_previous,
      COUNT(first_token_ms) OVER cell AS first_token_ms_count
    FROM base
    WINDOW cell AS (PARTITION BY bucket, grp),
      latency_order AS (PARTITION BY bucket, grp ORDER BY latency_ms),
      -- NULLs get their own partition, so the non-null values are ranked from 0.
      first_token_order AS (PARTITION BY bucket, grp, first_token_ms IS NULL ORDER BY first_token_ms)
  )
  SELECT bucket, grp, ${sums},
    ${sqlitePercentile('latency_ms', 0.5)} AS latency_p50_ms,
    ${sqlitePercentile('latency_ms', 0.95)} AS latency_p95_ms,
    ${sqlitePercentile('latency_ms', 0.99)} AS latency_p99_ms,
    ${sqlitePercentile('first_token_ms', 0.5)} AS first_token_p50_ms,
    ${sqlitePercentile('first_token_ms', 0.95)} AS first_token_p95_ms
  FROM ranked GROUP BY bucket, grp ORDER BY bucket, grp`;
}

function postgresAnalyticsSql(query: AnalyticsQuery, parameters: unknown[]): string {
  // One sort per column for all its percentiles: the array form of percentile_cont.
  return `SELECT bucket, grp, ${sums},
    percentile_cont(ARRAY[0.5, 0.95, 0.99]::double precision[]) WITHIN GROUP (ORDER BY latency_ms) AS latency_ms,
    percentile_cont(ARRAY[0.5, 0.95]::double precision[]) WITHIN GROUP (ORDER BY first_token_ms) AS first_token_ms
  FROM (${baseSelect('postgres', query, parameters)}) base
  GROUP BY bucket, grp ORDER BY bucket, grp`;
}

export function analyticsSql(dialect: SqlDialect, query: AnalyticsQuery): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const sql = dialect === 'sqlite' ? sqliteAnalyticsSql(query, parameters) : postgresAnalyticsSql(query, parameters);
  return { sql, parameters };
}

const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** PostgreSQL returns bigint sums as strings and the percentiles as arrays; SQLite plain numbers. */
export function decodeAnalyticsRow(row: Record<string, unknown>, interval: AnalyticsInterval): AnalyticsCell {
  const latency = Array.isArray(row.latency_ms) ? (row.latency_ms as unknown[]) : undefined;
  const firstToken = Array.isArray(row.first_token_ms) ? (row.first_token_ms as unknown[]) : undefined;
  return {
    bucket: `${row.bucket as string}${bucketSuffix[interval]}`,
    group: (row.grp as string | null) ?? null,
    requests: Number(row.requests),
    errors: Number(row.errors),
    prompt_tokens: Number(row.prompt_tokens),
    completion_tokens: Number(row.completion_tokens),
    cached_tokens: Number(row.cached_tokens),
    cost_usd: Number(row.cost_usd),
    cache_hits: Number(row.cache_hits),
    cache_misses: Number(row.cache_misses),
    latency_p50_ms: numberOrNull(latency ? latency[0] : row.latency_p50_ms),
    latency_p95_ms: numberOrNull(latency ? latency[1] : row.latency_p95_ms),
    latency_p99_ms: numberOrNull(latency ? latency[2] : row.latency_p99_ms),
    first_token_p50_ms: numberOrNull(firstToken ? firstToken[0] : row.first_token_p50_ms),
    first_token_p95_ms: numberOrNull(firstToken ? firstToken[1] : row.first_token_p95_ms),
    feedback_count: Number(row.feedback_count),
    feedback_score_sum: Number(row.feedback_score_sum),
  };
}
