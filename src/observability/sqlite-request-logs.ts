import type Database from 'libsql';
import type { RequestLogPage, RequestLogPruning, RequestLogQuery, RequestLogRecord } from './request-log-record.js';
import { decodeLogRow, insertLogSql, logParameters, pageOf, pruneSql, selectLogsSql, type LogDialect } from './request-log-sql.js';

export const sqliteLogDialect: LogDialect = {
  placeholder: () => '?',
  metadataValue: (keyPlaceholder) => `CAST(json_extract(metadata, ${keyPlaceholder}) AS TEXT)`,
  // A quoted JSON path, so keys with dots or spaces address one member.
  metadataKeyParameter: (key) => `$.${JSON.stringify(key)}`,
};

/** The insert statement and its bound rows; the statement is the same for every batch. */
export function sqliteLogRows(records: readonly RequestLogRecord[]): { sql: string; rows: unknown[][] } {
  return { sql: insertLogSql(sqliteLogDialect, 1), rows: records.map((record) => logParameters(record, false)) };
}

/**
 * In-process insert, for `:memory:` databases (which no other connection can open): one prepared
 * single-row statement per record in one transaction. File databases are written on the writer
 * thread instead (sqlite-log-write-thread.ts), so that this work never holds the event loop.
 */
export function insertSqliteRequestLogs(db: Database.Database, records: readonly RequestLogRecord[]): void {
  if (records.length === 0) return;
  const { sql, rows } = sqliteLogRows(records);
  const statement = db.prepare(sql);
  db.transaction(() => {
    for (const row of rows) statement.run(...(row as Array<string | number | null>));
  }).immediate();
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
