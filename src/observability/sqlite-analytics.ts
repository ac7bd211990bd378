import type Database from 'libsql';
import type { AnalyticsCell, AnalyticsQuery } from './analytics-query.js';
import { analyticsSql, decodeAnalyticsRow } from './analytics-sql.js';

export function querySqliteAnalytics(db: Database.Database, query: AnalyticsQuery): AnalyticsCell[] {
  const { sql, parameters } = analyticsSql('sqlite', query);
  const rows = db.prepare(sql).all(...(parameters as Array<string | number>)) as Array<Record<string, unknown>>;
  return rows.map((row) => decodeAnalyticsRow(row, query.interval));
}
