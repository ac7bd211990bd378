import type pg from 'pg';
import type { AnalyticsCell, AnalyticsQuery } from './analytics-query.js';
import { analyticsSql, decodeAnalyticsRow } from './analytics-sql.js';

export async function queryPostgresAnalytics(pool: pg.Pool, query: AnalyticsQuery): Promise<AnalyticsCell[]> {
  const { sql, parameters } = analyticsSql('postgres', query);
  return (await pool.query(sql, parameters)).rows.map((row: Record<string, unknown>) => decodeAnalyticsRow(row, query.interval));
}
