import type pg from 'pg';
import type { RequestLogPage, RequestLogPruning, RequestLogQuery, RequestLogRecord } from './request-log-record.js';
import { requestLogColumns } from './request-log-record.js';
import { decodeLogRow, insertLogSql, logParameters, pageOf, pruneSql, selectLogsSql, type LogDialect } from './request-log-sql.js';

export const postgresLogDialect: LogDialect = {
  placeholder: (index) => `$${index}`,
  metadataValue: (keyPlaceholder) => `(metadata ->> ${keyPlaceholder}::text)`,
  metadataKeyParameter: (key) => key,
};

/** Rows per statement: PostgreSQL takes at most 65535 parameters in one. */
const rowsPerStatement = Math.floor(65_535 / requestLogColumns.length);

export async function insertPostgresRequestLogs(pool: pg.Pool, records: readonly RequestLogRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += rowsPerStatement) {
    const slice = records.slice(start, start + rowsPerStatement);
    await pool.query(withMetadataEntries(insertLogSql(postgresLogDialect, slice.length)), slice.flatMap((record) => logParameters(record, true)));
  }
}

/**
 * The insert and the metadata entries of the rows it added, in one statement: a row skipped as
 * already present (a retried batch) adds no entries, and there is no second round trip.
 */
function withMetadataEntries(insert: string): string {
  return `WITH inserted AS (${insert} RETURNING id, at, metadata)
    INSERT INTO request_log_metadata (meta_key, meta_value, log_at, log_id)
    SELECT pair.key, pair.value, inserted.at, inserted.id
    FROM inserted CROSS JOIN LATERAL jsonb_each_text(inserted.metadata) AS pair
    WHERE pair.value IS NOT NULL`;
}

export async function queryPostgresRequestLogs(pool: pg.Pool, query: RequestLogQuery): Promise<RequestLogPage> {
  const { sql, parameters } = selectLogsSql(postgresLogDialect, query);
  return pageOf((await pool.query(sql, parameters)).rows, query.limit);
}

export async function getPostgresRequestLog(pool: pg.Pool, id: string): Promise<RequestLogRecord | undefined> {
  const row = (await pool.query('SELECT * FROM request_logs WHERE id = $1', [id])).rows[0] as Record<string, unknown> | undefined;
  return row ? decodeLogRow(row) : undefined;
}

export async function prunePostgresRequestLogs(pool: pg.Pool, pruning: RequestLogPruning): Promise<number> {
  const statements = pruneSql(postgresLogDialect, pruning);
  let deleted = 0;
  if (statements.byAge) {
    deleted += (await pool.query(statements.byAge.sql, statements.byAge.parameters)).rowCount ?? 0;
    const feedback = statements.feedbackBefore(pruning.before!);
    await pool.query(feedback.sql, feedback.parameters);
    await pool.query('DELETE FROM request_log_metadata WHERE log_at < $1', [pruning.before]);
  }
  if (statements.boundary) {
    const row = (await pool.query(statements.boundary.sql, statements.boundary.parameters)).rows[0] as { at: string; id: string } | undefined;
    if (row) {
      const beyond = statements.beyond(row.at, row.id);
      deleted += (await pool.query(beyond.sql, beyond.parameters)).rowCount ?? 0;
      const feedback = statements.feedbackBefore(row.at);
      await pool.query(feedback.sql, feedback.parameters);
      await pool.query('DELETE FROM request_log_metadata WHERE log_at < $1 OR (log_at = $1 AND log_id <= $2)', [row.at, row.id]);
    }
  }
  return deleted;
}
