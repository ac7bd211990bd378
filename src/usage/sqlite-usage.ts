import type Database from 'libsql';
import type { UsageQuery, UsageRow, UsageTotals } from './usage-records.js';
import { rowToTotals, selectUsageSql, upsertUsageSql, usageRowParameters } from './usage-sql.js';

const placeholder = () => '?';

/** One statement per row inside one transaction: SQLite commits once, and each upsert is cheap. */
export function addSqliteUsage(db: Database.Database, rows: readonly UsageRow[]): void {
  if (rows.length === 0) return;
  const statement = db.prepare(upsertUsageSql(placeholder, 1));
  db.transaction(() => {
    for (const row of rows) statement.run(...usageRowParameters(row));
  }).immediate();
}

export function querySqliteUsage(db: Database.Database, query: UsageQuery): UsageTotals[] {
  const { sql, parameters } = selectUsageSql(query, placeholder, (expression) => expression);
  return (db.prepare(sql).all(...parameters) as Array<Record<string, unknown>>).map(rowToTotals);
}
