import { jsonColumns, requestLogColumns, type RequestLogPruning, type RequestLogQuery, type RequestLogRecord } from './request-log-record.js';
import { InvalidRequestError } from '../errors/gateway-errors.js';

/** What differs between SQLite and PostgreSQL in the request-log SQL. */
export interface LogDialect {
  placeholder(index: number): string;
  /** An expression: the metadata value under the key bound at `keyPlaceholder`, as text (NULL when absent). */
  metadataValue(keyPlaceholder: string): string;
  /** The key as bound for `metadataValue`. */
  metadataKeyParameter(key: string): string;
}

export function insertLogSql(dialect: LogDialect, rowCount: number): string {
  const width = requestLogColumns.length;
  const values = Array.from({ length: rowCount }, (_, row) => `(${requestLogColumns.map((_, column) => dialect.placeholder(row * width + column + 1)).join(', ')})`);
  // A record is written at most once, but a retried batch after a timeout may repeat some.
  return `INSERT INTO request_logs (${requestLogColumns.join(', ')}) VALUES ${values.join(', ')} ON CONFLICT (id) DO NOTHING`;
}

/**
 * The rows of request_log_metadata for one record: key and value as text, the way PostgreSQL's
 * `jsonb_each_text` prints them (migration 9 fills older rows with it), so a value filter means the
 * same on both backends. A null value is no row: `metadata_key` alone asks for a value.
 */
export function metadataPairs(metadata: Readonly<Record<string, unknown>>): string[] {
  const pairs: string[] = [];
  for (const key in metadata) {
    const value = metadata[key];
    if (value === null || value === undefined) continue;
    pairs.push(key, typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return pairs;
}

/** `boolean` says whether the dialect binds booleans natively (PostgreSQL) or as 0/1 (SQLite). */
export function logParameters(record: RequestLogRecord, nativeBoolean: boolean): unknown[] {
  return requestLogColumns.map((column) => {
    const value = record[column];
    if (jsonColumns.has(column)) return JSON.stringify(value);
    if (typeof value === 'boolean' && !nativeBoolean) return value ? 1 : 0;
    return value;
  });
}

export function decodeLogRow(row: Record<string, unknown>): RequestLogRecord {
  const record: Record<string, unknown> = {};
  for (const column of requestLogColumns) {
    const value = row[column];
    if (jsonColumns.has(column)) record[column] = typeof value === 'string' ? JSON.parse(value) : value;
    else if (column === 'usage_estimated') record[column] = value === null || value === undefined ? null : Boolean(value);
    else record[column] = value ?? null;
  }
  return record as unknown as RequestLogRecord;
}

/** Cursors are the (at, id) of the last row shown, opaque to clients. */
export function encodeCursor(record: Pick<RequestLogRecord, 'at' | 'id'>): string {
  return Buffer.from(JSON.stringify([record.at, record.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((part) => typeof part === 'string')) return parsed as [string, string];
  } catch {
    // Falls through to the 400 below.
  }
  throw new InvalidRequestError('cursor: not a cursor this API returned', { code: 'invalid_cursor', param: 'cursor' });
}

/**
 * Newest first, keyset-paged on (at, id) so every page is an index range scan however deep.
 * Column names are fixed here; only parameters come from the query string.
 */
export function selectLogsSql(dialect: LogDialect, query: RequestLogQuery): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const bind = (value: unknown) => {
    parameters.push(value);
    return dialect.placeholder(parameters.length);
  };
  const order = 'ORDER BY at DESC, id DESC';
  // A metadata key and value: the page is a range of request_log_metadata's (key, value, at, id)
  // index walked newest first, each match joined to its row by id, so a rare value reads only its
  // own entries rather than the time index. Time range and cursor then bound that range; CROSS
  // JOIN fixes the join order in SQLite (PostgreSQL plans it from statistics).
  const byMetadata = query.metadataKey !== undefined && query.metadataValue !== undefined;
  const position: Position = byMetadata ? { at: 'log_at', id: 'log_id' } : { at: 'at', id: 'id' };
  // `extra` is a function: its placeholders must be bound in the order they appear (SQLite's `?`).
  const select = (extra: () => string[] = () => []) => {
    const pair = byMetadata ? [`meta_key = ${bind(query.metadataKey)}`, `meta_value = ${bind(query.metadataValue)}`, 'request_logs.id = log_id'] : [];
    const conditions = [...pair, ...extra(), ...filterConditions(dialect, query, bind, position)];
    const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
    const from = byMetadata ? 'request_log_metadata CROSS JOIN request_logs' : 'request_logs';
    const columns = byMetadata ? 'request_logs.*' : '*';
    // One row more than asked tells whether another page exists.
    return `SELECT ${columns} FROM ${from}${where} ORDER BY ${position.at} DESC, ${position.id} DESC LIMIT ${bind(query.limit + 1)}`;
  };
  if (query.model === undefined) return { sql: select(), parameters };
  // "Requested or served" as one OR cannot follow either model index in (at, id) order, so the
  // planner walks the whole time index for a rare model. Two ordered index ranges, each cut at
  // the page size, merged: the second leaves out rows the first already has.
  const served = select(() => [`model_served = ${bind(query.model)}`]);
  const requested = select(() => [`model_requested = ${bind(query.model)}`, `(model_served IS NULL OR model_served <> ${bind(query.model)})`]);
  return { sql: `SELECT * FROM (SELECT * FROM (${served}) AS served UNION ALL SELECT * FROM (${requested}) AS requested) AS matches ${order} LIMIT ${bind(query.limit + 1)}`, parameters };
}

/** The columns a page is ordered and cut on: the log's own, or its metadata entry's copies. */
interface Position {
  at: string;
  id: string;
}

/** Every filter but the model, which selectLogsSql applies per branch, and a metadata pair, which it joins. */
function filterConditions(dialect: LogDialect, query: RequestLogQuery, bind: (value: unknown) => string, position: Position): string[] {
  const conditions: string[] = [];
  const { at, id } = position;
  if (query.from !== undefined) conditions.push(`${at} >= ${bind(query.from)}`);
  if (query.to !== undefined) conditions.push(`${at} < ${bind(query.to)}`);
  // A unary `+` keeps a column's index out of the planner's choice (SQLite and PostgreSQL alike).
  // SQLite has no statistics unless ANALYZE ran (a minute at 10M rows), and without them it may
  // pick the status index (seven values) over the key's (thousands): measured 132 ms against
  // 1 ms at 200k rows. A key implies its team; key, team and model are all more selective than status.
  const narrower = query.keyId !== undefined || query.teamId !== undefined || query.model !== undefined;
  if (query.keyId !== undefined) conditions.push(`key_id = ${bind(query.keyId)}`);
  if (query.teamId !== undefined) conditions.push(`${query.keyId !== undefined ? '+' : ''}team_id = ${bind(query.teamId)}`);
  if (query.route !== undefined) conditions.push(`route = ${bind(query.route)}`);
  if (query.provider !== undefined) conditions.push(`provider = ${bind(query.provider)}`);
  if (query.status !== undefined) conditions.push(`${narrower ? '+' : ''}status = ${bind(query.status)}`);
  if (query.cacheStatus !== undefined) conditions.push(`cache_status = ${bind(query.cacheStatus)}`);
  // A key without a value spans every value's range of the metadata index: checked per row instead.
  if (query.metadataKey !== undefined && query.metadataValue === undefined) {
    conditions.push(`${dialect.metadataValue(bind(dialect.metadataKeyParameter(query.metadataKey)))} IS NOT NULL`);
  }
  if (query.minLatencyMs !== undefined) conditions.push(`latency_ms >= ${bind(query.minLatencyMs)}`);
  if (query.minCostUsd !== undefined) conditions.push(`cost_usd >= ${bind(query.minCostUsd)}`);
  if (query.text !== undefined) {
    const pattern = `%${query.text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    conditions.push(`(request_body LIKE ${bind(pattern)} ESCAPE '\\' OR response_body LIKE ${bind(pattern)} ESCAPE '\\')`);
  }
  // (Anti-)semi-joins on the feedback table's primary key: one index probe per candidate row.
  const feedbackOf = 'SELECT 1 FROM request_feedback f WHERE f.request_id = request_logs.id';
  if (query.hasFeedback !== undefined) conditions.push(`${query.hasFeedback ? '' : 'NOT '}EXISTS (${feedbackOf})`);
  if (query.minScore !== undefined) conditions.push(`EXISTS (${feedbackOf} AND f.score >= ${bind(query.minScore)})`);
  if (query.cursor !== undefined) {
    const [cursorAt, cursorId] = decodeCursor(query.cursor);
    // A row-value comparison, not `at < ? OR (at = ? AND id < ?)`: PostgreSQL makes it an index
    // condition (the OR form was a filter: page 50 read 4,900 rows to skip them), SQLite too.
    conditions.push(`(${at}, ${id}) < (${bind(cursorAt)}, ${bind(cursorId)})`);
  }
  return conditions;
}

export function pageOf(rows: Array<Record<string, unknown>>, limit: number): { records: RequestLogRecord[]; next_cursor: string | null } {
  const records = rows.slice(0, limit).map(decodeLogRow);
  const last = records.at(-1);
  return { records, next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** The statements of one prune: by age, then the boundary row beyond `keepRows`. */
export function pruneSql(dialect: LogDialect, pruning: RequestLogPruning) {
  return {
    byAge: pruning.before !== undefined ? { sql: `DELETE FROM request_logs WHERE at < ${dialect.placeholder(1)}`, parameters: [pruning.before] } : undefined,
    boundary: pruning.keepRows !== undefined && pruning.keepRows > 0
      ? { sql: `SELECT at, id FROM request_logs ORDER BY at DESC, id DESC LIMIT 1 OFFSET ${dialect.placeholder(1)}`, parameters: [pruning.keepRows] }
      : undefined,
    /**
     * Feedback is never given before its request arrived, so feedback older than the oldest kept
     * request belongs to a pruned one (an index range on request_feedback.at, no join).
     */
    feedbackBefore: (at: string) => ({ sql: `DELETE FROM request_feedback WHERE at < ${dialect.placeholder(1)}`, parameters: [at] }),
    beyond: (at: string, id: string) => ({
      sql: `DELETE FROM request_logs WHERE at < ${dialect.placeholder(1)} OR (at = ${dialect.placeholder(2)} AND id <= ${dialect.placeholder(3)})`,
      parameters: [at, at, id],
    }),
  };
}
