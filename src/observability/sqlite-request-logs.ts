import type Database from 'libsql';
import type { RequestLogPage, RequestLogPruning, RequestLogQuery, RequestLogRecord } from './request-log-record.js';
import { decodeLogRow, insertLogSql, logParameters, pageOf, pruneSql, selectLogsSql, type LogDialect } from './request-log-sql.js';

export const sqliteLogDialect: LogDialect = {
  placeholder: () => '?',
  metadataValue: (keyPlaceholder) => `CAST(json_extract(metadata, ${keyPlaceholder}) AS TEXT)`,
  // A quoted JSON path, so keys with dots or spaces address one member.
  metadataKeyParameter: (key) => `$.${JSON.stringify(key)}`,
};

/**
 * Rows per transaction. libsql's calls are synchronous: a writer's 1,000-row batch in one
 * transaction held the event loop for 7–25 ms on an idle machine (and ~200 ms on a loaded one),
 * every request waiting behind it — the p99 stalls of docs/benchmarks.md. Slices of 20 rows (~1 ms), with
 * the loop free between them, keep each hold short and still commit many rows at a time.
 */
export const sqliteLogRowsPerTransaction = 20;

/**
 * One prepared single-row statement run per record inside one transaction per slice: SQLite
 * commits once per slice, which is what makes the rate (FIELD-NOTES.md: ~137k rows/s batched vs
 * 16k/s one per commit); between slices the event loop serves requests.
 */
export async function insertSqliteRequestLogs(db: Database.Database, records: readonly RequestLogRecord[]): Promise<void> {
  if (records.length === 0) return;
  const statement = db.prepare(insertLogSql(sqliteLogDialect, 1));
  const insertSlice = db.transaction((slice: readonly RequestLogRecord[]) => {
    for (const record of slice) statement.run(...(logParameters(record, false) as Array<string | number | null>));
  });
  for (let start = 0; start < records.length; start += sqliteLogRowsPerTransaction) {
    if (start > 0) await new Promise((resolve) => setImmediate(resolve));
    insertSlice.immediate(records.slice(start, start + sqliteLogRowsPerTransaction));
  }
}

export function querySqliteRequestLogs(db: Database.Database, query: RequestLogQuery): RequestLogPage {
  const { sql, parameters } = selectLogsSql(sqliteLogDialect, query);
  return pageOf(db.prepare(sql).all(...(parameters as Array<string | number | null>)) as Array<Record<string, unknown>>, query.limit);
}

export function getSqliteRequestLog(db: Database.Database, id: string): RequestLogRecord | undefined {
  const row = db.prepare('SELECT * FROM request_logs WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  return row ? decodeLogRow(row) : undefined;
}

export function pruneSqliteRequestLogs(db: Database.Database, pruning: RequestLogPruning): number {
  const statements = pruneSql(sqliteLogDialect, pruning);
  let deleted = 0;
  if (statements.byAge) {
    deleted += db.prepare(statements.byAge.sql).run(...statements.byAge.parameters).changes;
    const feedback = statements.feedbackBefore(pruning.before!);
    db.prepare(feedback.sql).run(...feedback.parameters);
  }
  if (statements.boundary) {
    const row = db.prepare(statements.boundary.sql).get(...statements.boundary.parameters) as { at: string; id: string } | undefined;
    if (row) {
      const beyond = statements.beyond(row.at, row.id);
      deleted += db.prepare(beyond.sql).run(...beyond.parameters).changes;
      const feedback = statements.feedbackBefore(row.at);
      db.prepare(feedback.sql).run(...feedback.parameters);
    }
  }
  return deleted;
}
