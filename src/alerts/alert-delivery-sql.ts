import { InvalidRequestError } from '../errors/gateway-errors.js';
import {
  alertDeliveryColumns,
  alertDeliveryJsonColumns,
  type AlertDeliveryPage,
  type AlertDeliveryQuery,
  type AlertDeliveryRecord,
} from './alert-delivery-record.js';

/** What differs between SQLite and PostgreSQL here: only the placeholders. */
export type Placeholder = (index: number) => string;

/** Columns an attempt changes; the rest are fixed when the delivery is first saved. */
const mutableColumns = ['status', 'attempts', 'status_code', 'error', 'attempt_log', 'updated_at', 'delivered_at', 'failed_at'] as const;

export function upsertDeliverySql(placeholder: Placeholder): string {
  const values = alertDeliveryColumns.map((_, index) => placeholder(index + 1)).join(', ');
  const updates = mutableColumns.map((column) => `${column} = excluded.${column}`).join(', ');
  return `INSERT INTO alert_deliveries (${alertDeliveryColumns.join(', ')}) VALUES (${values}) ON CONFLICT (id) DO UPDATE SET ${updates}`;
}

export function deliveryParameters(record: AlertDeliveryRecord): Array<string | number | null> {
  return alertDeliveryColumns.map((column) => {
    const value = record[column];
    return alertDeliveryJsonColumns.has(column) ? JSON.stringify(value) : (value as string | number | null);
  });
}

export function decodeDeliveryRow(row: Record<string, unknown>): AlertDeliveryRecord {
  const record: Record<string, unknown> = {};
  for (const column of alertDeliveryColumns) {
    const value = row[column];
    if (alertDeliveryJsonColumns.has(column)) record[column] = typeof value === 'string' ? JSON.parse(value) : value;
    else if (column === 'attempts' || column === 'status_code') record[column] = value === null || value === undefined ? null : Number(value);
    else record[column] = value ?? null;
  }
  return record as unknown as AlertDeliveryRecord;
}

function encodeCursor(record: Pick<AlertDeliveryRecord, 'created_at' | 'id'>): string {
  return Buffer.from(JSON.stringify([record.created_at, record.id])).toString('base64url');
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

/** Newest first, keyset-paged on (created_at, id). Column names are fixed; only values are bound. */
export function selectDeliveriesSql(placeholder: Placeholder, query: AlertDeliveryQuery): { sql: string; parameters: Array<string | number> } {
  const parameters: Array<string | number> = [];
  const bind = (value: string | number) => {
    parameters.push(value);
    return placeholder(parameters.length);
  };
  const conditions: string[] = [];
  if (query.rule !== undefined) conditions.push(`rule = ${bind(query.rule)}`);
  if (query.webhook !== undefined) conditions.push(`webhook = ${bind(query.webhook)}`);
  if (query.status !== undefined) conditions.push(`status = ${bind(query.status)}`);
  if (query.cursor !== undefined) {
    const [createdAt, id] = decodeCursor(query.cursor);
    conditions.push(`(created_at < ${bind(createdAt)} OR (created_at = ${bind(createdAt)} AND id < ${bind(id)}))`);
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  // One row more than asked tells whether another page exists.
  const sql = `SELECT ${alertDeliveryColumns.join(', ')} FROM alert_deliveries${where} ORDER BY created_at DESC, id DESC LIMIT ${bind(query.limit + 1)}`;
  return { sql, parameters };
}

export function deliveryPageOf(rows: Array<Record<string, unknown>>, limit: number): AlertDeliveryPage {
  const records = rows.slice(0, limit).map(decodeDeliveryRow);
  const last = records.at(-1);
  return { records, next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** Rows deleted per statement when pruning: short transactions, however much is due. */
export const pruneBatchRows = 5_000;

/** Deletes up to pruneBatchRows deliveries created before the bound parameter (oldest first, on the created_at index). */
export function pruneDeliveriesSql(placeholder: Placeholder): string {
  return `DELETE FROM alert_deliveries WHERE id IN (SELECT id FROM alert_deliveries WHERE created_at < ${placeholder(1)} ORDER BY created_at, id LIMIT ${pruneBatchRows})`;
}
