import type Database from 'libsql';
import type { RequestLogPage, RequestLogPruning, RequestLogQuery, RequestLogRecord } from './request-log-record.js';
import { requestLogColumns } from './request-log-record.js';
import { sqliteMetadataText } from './sqlite-metadata-text.js';
import { decodeLogRow, insertLogSql, logParameters, metadataPairs, pageOf, pruneSql, selectLogsSql, type LogDialect } from './request-log-sql.js';

export const sqliteLogDialect: LogDialect = {
  placeholder: () => '?',
  metadataValue: (keyPlaceholder) => `CAST(json_extract(metadata, ${keyPlaceholder}) AS TEXT)`,
  // A quoted JSON path, so keys with dots or spaces address one member.
  metadataKeyParameter: (key) => `$.${JSON.stringify(key)}`,
};

/**
 * A record as the writer thread takes it: the bound columns of request_logs, then the record's
 * metadata as one flat array of key, value, key, value… for request_log_metadata.
 */
export type SqliteLogRow = Array<string | number | null | string[]>;

export function sqliteLogRows(records: readonly RequestLogRecord[]): { rows: SqliteLogRow[] } {
  return { rows: records.map((record) => [...(logParameters(record, false) as Array<string | number | null>), metadataPairs(record.metadata)]) };
}

/**
 * Prepares the statements once and returns a function inserting rows in one transaction: the
 * writer thread's and the in-process path's. A row already present (a retried batch) is skipped
 * with its metadata, so nothing is doubled.
 */
export function prepareSqliteLogInsert(db: Database.Database): (rows: readonly SqliteLogRow[]) => void {
  const width = requestLogColumns.length;
  const insertLog = db.prepare(insertLogSql(sqliteLogDialect, 1));
  const insertPair = db.prepare('INSERT OR IGNORE INTO request_log_metadata (meta_key, meta_value, log_at, log_id) VALUES (?, ?, ?, ?)');
  return db.transaction((rows: readonly SqliteLogRow[]) => {
    for (const row of rows) {
      const columns = row.length > width ? row.slice(0, width) : row;
      if (insertLog.run(...(columns as Array<string | number | null>)).changes === 0) continue;
      const pairs = (row[width] ?? []) as string[];
      for (let index = 0; index < pairs.length; index += 2) insertPair.run(pairs[index]!, pairs[index + 1]!, row[1] as string, row[0] as string);
    }
  }).immediate;
}

/**
 * In-process insert, for `:memory:` databases (which no other connection can open). File
 * databases are written on the writer thread instead (sqlite-log-write-thread.ts), so that this
 * work never holds the event loop.
 */
export function insertSqliteRequestLogs(db: Database.Database, records: readonly RequestLogRecord[]): void {
  if (records.length === 0) return;
  prepareSqliteLogInsert(db)(sqliteLogRows(records).rows);
}

export function querySqliteRequestLogs(db: Database.Database, query: RequestLogQuery): RequestLogPage {
  const { sql, parameters } = selectLogsSql(sqliteLogDialect, query);
  return pageOf(db.prepare(sql).all(...(parameters as Array<string | number | null>)) as Array<Record<string, unknown>>, query.limit);
}

export function getSqliteRequestLog(db: Database.Database, id: string): RequestLogRecord | undefined {
  const row = db.prepare('SELECT * FROM request_logs WHERE id = ?').get(id) as Record<string, unknown> | undefined;
  return row ? decodeLogRow(row) : undefined;
}

/**
 * Each deletion runs with the deletion of its logs' metadata entries, in one transaction: the
 * entries are found from the logs' own metadata (a key lookup each), so the entry table needs no
 * time index of its own.
 */
export function pruneSqliteRequestLogs(db: Database.Database, pruning: RequestLogPruning): number {
  const statements = pruneSql(sqliteLogDialect, pruning);
  let deleted = 0;
  const withEntries = (gone: string, parameters: unknown[], deleteLogs: () => number) =>
    db.transaction(() => {
      db.prepare(
        `DELETE FROM request_log_metadata WHERE (meta_key, meta_value, log_at, log_id) IN (
           SELECT pair.key, ${sqliteMetadataText('pair')}, log.at, log.id
           FROM request_logs AS log, json_each(log.metadata) AS pair WHERE ${gone})`,
      ).run(...parameters);
      return deleteLogs();
    }).immediate();
  if (statements.byAge) {
    deleted += withEntries('log.at < ?', [pruning.before], () => db.prepare(statements.byAge!.sql).run(...statements.byAge!.parameters).changes);
    const feedback = statements.feedbackBefore(pruning.before!);
    db.prepare(feedback.sql).run(...feedback.parameters);
  }
  if (statements.boundary) {
    const row = db.prepare(statements.boundary.sql).get(...statements.boundary.parameters) as { at: string; id: string } | undefined;
    if (row) {
      const beyond = statements.beyond(row.at, row.id);
      deleted += withEntries('(log.at < ? OR (log.at = ? AND log.id <= ?))', [row.at, row.at, row.id], () => db.prepare(beyond.sql).run(...beyond.parameters).changes);
      const feedback = statements.feedbackBefore(row.at);
      db.prepare(feedback.sql).run(...feedback.parameters);
    }
  }
  return deleted;
}
