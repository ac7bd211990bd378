import type { Store } from '../store/store.js';
import { requestLogColumns, jsonColumns, type RequestLogQuery, type RequestLogRecord } from './request-log-record.js';

const pageSize = 1_000;

/** Every record matching the query, newest first, read a page at a time so memory stays flat. */
async function* allRecords(store: Store, query: Omit<RequestLogQuery, 'limit' | 'cursor'>): AsyncGenerator<RequestLogRecord> {
  let cursor: string | undefined;
  do {
    const page = await store.queryRequestLogs({ ...query, limit: pageSize, cursor });
    yield* page.records;
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}

/**
 * A CSV cell. Text starting with = + - @ is prefixed with ' so a spreadsheet opening the export
 * does not run it as a formula (metadata and bodies come from callers).
 */
function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export async function* exportNdjson(store: Store, query: Omit<RequestLogQuery, 'limit' | 'cursor'>): AsyncGenerator<string> {
  for await (const record of allRecords(store, query)) yield `${JSON.stringify(record)}\n`;
}

export async function* exportCsv(store: Store, query: Omit<RequestLogQuery, 'limit' | 'cursor'>): AsyncGenerator<string> {
  yield `${requestLogColumns.join(',')}\r\n`;
  for await (const record of allRecords(store, query)) {
    yield `${requestLogColumns.map((column) => csvCell(jsonColumns.has(column) ? JSON.stringify(record[column]) : record[column])).join(',')}\r\n`;
  }
}
