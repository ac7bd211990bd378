import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Database from 'libsql';
import pg from 'pg';
import { postgresLogDialect } from '../observability/postgres-request-logs.js';
import type { RequestLogQuery } from '../observability/request-log-record.js';
import { selectLogsSql } from '../observability/request-log-sql.js';
import { sqliteLogDialect } from '../observability/sqlite-request-logs.js';
import { fillPostgresLogStore } from './fill-postgres-log-store.js';
import { fillSqliteLogStore } from './fill-sqlite-log-store.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/**
 * Issue 7: "indexes that keep queries fast at 10 million rows". Fills a store with N realistic
 * metadata-only rows (SQLite: fill-sqlite-log-store.ts, indexes built after the rows; PostgreSQL:
 * the store's own insert), then times the logs API's typical queries through `queryRequestLogs`
 * and prints each one's plan (PostgreSQL: EXPLAIN ANALYZE), so a query that walks the table
 * instead of an index shows.
 *
 *   node dist/bench/measure-log-queries.js [ROWS] [STORAGE]
 *
 * STORAGE defaults to a SQLite file (WAL) in a temporary directory, deleted afterwards; given as
 * `sqlite:PATH` the file is kept and rows already in it count towards ROWS, so a run can be
 * resumed or its queries re-timed. A `postgres://` URL measures PostgreSQL (use a scratch schema).
 */

export interface LogQueryTiming {
  name: string;
  /** Median and fastest of the timed runs, ms, through the store's query path. */
  medianMs: number;
  minMs: number;
  rows: number;
  plan: string[];
  /** How the plan reaches rows: an index range, an index walked in order, or the whole table. */
  access: 'index range' | 'index order walk' | 'full scan';
  /** True when the plan sorts the matches (every match is read before the first row returns). */
  sorts: boolean;
}

const timedRuns = 5;

/** The queries an operator's log screen makes; values picked so each finds rows in the synthetic data. */
export function typicalLogQueries(): Array<{ name: string; query: RequestLogQuery }> {
  const hourStart = Date.UTC(2026, 9, 20, 14);
  const limit = 100;
  return [
    { name: 'latest page', query: { limit } },
    { name: 'by key (busy key)', query: { limit, keyId: 'key-3' } },
    { name: 'by key (quiet key)', query: { limit, keyId: 'key-1990' } },
    { name: 'by team', query: { limit, teamId: 'team-17' } },
    { name: 'by model (requested or served)', query: { limit, model: 'anthropic/claude-sonnet-4-5' } },
    { name: 'by model (served snapshot)', query: { limit, model: 'openai/gpt-4o-mini-2024-07-18' } },
    { name: 'by status 502', query: { limit, status: 502 } },
    { name: 'by status 500 (rare)', query: { limit, status: 500 } },
    { name: 'time range (1 hour, 10 days back)', query: { limit, from: new Date(hourStart).toISOString(), to: new Date(hourStart + 3_600_000).toISOString() } },
    { name: 'team + time range', query: { limit, teamId: 'team-17', from: new Date(hourStart).toISOString(), to: new Date(hourStart + 3_600_000).toISOString() } },
    { name: 'key + status 429', query: { limit, keyId: 'key-3', status: 429 } },
    { name: 'route', query: { limit, route: 'smart' } },
    { name: 'provider + cache HIT', query: { limit, provider: 'anthropic', cacheStatus: 'HIT' } },
    { name: 'metadata env=staging (common)', query: { limit, metadataKey: 'env', metadataValue: 'staging' } },
    { name: 'metadata user=u-42 (1 in 10,000)', query: { limit, metadataKey: 'user', metadataValue: 'u-42' } },
    { name: 'metadata user=u-42, last 24 h', query: { limit, metadataKey: 'user', metadataValue: 'u-42', from: new Date(Date.UTC(2026, 9, 31)).toISOString() } },
    { name: 'min latency 4,000 ms', query: { limit, minLatencyMs: 4_000 } },
  ];
}

interface Explainer {
  explain(query: RequestLogQuery): Promise<string[]>;
  close(): Promise<void>;
}

function sqliteExplainer(path: string): Explainer {
  const db = new Database(path, { readonly: true });
  return {
    async explain(query) {
      const { sql, parameters } = selectLogsSql(sqliteLogDialect, query);
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(parameters as Array<string | number>)) as Array<{ detail: string }>;
      return rows.map((row) => row.detail);
    },
    async close() {
      db.close();
    },
  };
}

function postgresExplainer(url: string): Explainer {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  return {
    async explain(query) {
      const { sql, parameters } = selectLogsSql(postgresLogDialect, query);
      // ANALYZE runs the query: the plan shows the rows each node really read and its time.
      const result = await pool.query(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, parameters);
      return result.rows.map((row: Record<string, string>) => row['QUERY PLAN']!);
    },
    close: () => pool.end(),
  };
}

export function classifyPlan(plan: readonly string[]): Pick<LogQueryTiming, 'access' | 'sorts'> {
  const text = plan.join('\n');
  // The model filter's merge sorts its two branches' pages (at most 2 × limit rows), not the matches.
  const merged = /MERGE \(UNION ALL\)|Merge Append|Append/.test(text);
  const sorts = !merged && /TEMP B-TREE FOR ORDER BY|(^|\s)Sort\b/.test(text);
  // The weakest access of any branch counts: a merged plan is as slow as its slowest side.
  if (/Seq Scan|SCAN request_log(s|_metadata)(?! USING)/.test(text)) return { access: 'full scan', sorts };
  if (/SCAN request_log(s|_metadata) USING/.test(text)) return { access: 'index order walk', sorts };
  if (/SEARCH request_log(s|_metadata)|Index Cond|Bitmap Index Scan/.test(text)) return { access: 'index range', sorts };
  return { access: 'index order walk', sorts };
}

/** SQLite rows generated in JavaScript; the rest are copies of them (fill-sqlite-log-store.ts). */
const defaultSeedRows = Number(process.env.SLUICE_BENCH_LOG_SEED_ROWS ?? 1_000_000);

async function timeQuery(store: Store, query: RequestLogQuery): Promise<{ medianMs: number; minMs: number; rows: number }> {
  const warmStarted = performance.now();
  let rows = (await store.queryRequestLogs(query)).records.length;
  // A query that walks millions of rows is timed once more, not five times: the figure is clear.
  const runs = performance.now() - warmStarted > 2_000 ? 1 : timedRuns;
  const durations: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    rows = (await store.queryRequestLogs(query)).records.length;
    durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  return { medianMs: durations[durations.length >> 1]!, minMs: durations[0]!, rows };
}

/** The 50th page of 100 through the API's cursors: each page is one more keyset step. */
async function timeCursorPage(store: Store, page: number): Promise<{ medianMs: number; minMs: number; rows: number; cursor: string | undefined }> {
  let cursor: string | undefined;
  for (let index = 1; index < page; index++) {
    const result = await store.queryRequestLogs({ limit: 100, ...(cursor ? { cursor } : {}) });
    cursor = result.next_cursor ?? undefined;
  }
  return { ...(await timeQuery(store, { limit: 100, ...(cursor ? { cursor } : {}) })), cursor };
}

export async function measureLogQueries(total: number, storage?: string, progress: (line: string) => void = console.error, seedRows = defaultSeedRows) {
  const temporary = storage === undefined ? mkdtempSync(join(tmpdir(), 'sluice-log-queries-')) : undefined;
  const target = storage ?? `sqlite:${join(temporary!, 'logs.db')}`;
  const sqlitePath = target.startsWith('sqlite:') ? target.slice('sqlite:'.length) : undefined;
  const existed = sqlitePath !== undefined && existsSync(sqlitePath);
  const openedAt = performance.now();
  const store = await openStore(target);
  const migrateSeconds = (performance.now() - openedAt) / 1000;
  const explainer = sqlitePath ? sqliteExplainer(sqlitePath) : postgresExplainer(target);
  try {
    const present = existed || !sqlitePath ? await existingRows(target, sqlitePath) : 0;
    progress(`${target}: ${present.toLocaleString('en')} rows present${existed ? ` (opened and migrated in ${migrateSeconds.toFixed(1)} s)` : ''}; filling to ${total.toLocaleString('en')}`);
    const filled = sqlitePath
      ? fillSqliteLogStore(sqlitePath, total, seedRows, progress)
      : await fillPostgresLogStore(target, store, present, total, Number(process.env.SLUICE_BENCH_LOG_SEED_ROWS ?? 100_000), progress);
    const timings: LogQueryTiming[] = [];
    for (const { name, query } of typicalLogQueries()) {
      const timing = await timeQuery(store, query);
      const plan = await explainer.explain(query);
      timings.push({ name, ...timing, plan, ...classifyPlan(plan) });
    }
    const cursorPage = await timeCursorPage(store, 50);
    const cursorQuery: RequestLogQuery = { limit: 100, ...(cursorPage.cursor ? { cursor: cursorPage.cursor } : {}) };
    const cursorPlan = await explainer.explain(cursorQuery);
    timings.push({ name: 'cursor page 50 (of 100 rows)', medianMs: cursorPage.medianMs, minMs: cursorPage.minMs, rows: cursorPage.rows, plan: cursorPlan, ...classifyPlan(cursorPlan) });
    return { storage: sqlitePath ? 'sqlite file (WAL)' : 'postgresql', rows: total, ...filled, timings };
  } finally {
    await explainer.close();
    await store.close();
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}

async function existingRows(target: string, sqlitePath: string | undefined): Promise<number> {
  if (sqlitePath) {
    const db = new Database(sqlitePath, { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM request_logs').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const pool = new pg.Pool({ connectionString: target, max: 1 });
  try {
    return Number((await pool.query('SELECT count(*) AS n FROM request_logs')).rows[0].n);
  } finally {
    await pool.end();
  }
}

export function formatLogQueries(result: Awaited<ReturnType<typeof measureLogQueries>>): string[] {
  const lines = [
    `Request log queries — ${result.storage}, ${result.rows.toLocaleString('en')} rows` +
      (result.insertedRows > 0 ? `; ${result.insertedRows.toLocaleString('en')} generated and inserted in ${result.fillSeconds.toFixed(0)} s (${Math.round(result.insertedRows / result.fillSeconds)} rows/s)` : '') +
      (result.copiedRows > 0 ? `; ${result.copiedRows.toLocaleString('en')} copied inside the database in ${result.copySeconds.toFixed(0)} s (${Math.round(result.copiedRows / result.copySeconds)} rows/s)` : '') +
      (result.indexSeconds > 0 ? `; metadata entries of the copies and indexes built in ${result.indexSeconds.toFixed(0)} s` : ''),
    '',
    '| query (100 rows a page) | median ms | min ms | rows | access | sorts |',
    '|---|---|---|---|---|---|',
    ...result.timings.map((timing) => `| ${timing.name} | ${timing.medianMs.toFixed(2)} | ${timing.minMs.toFixed(2)} | ${timing.rows} | ${timing.access} | ${timing.sorts ? 'yes' : 'no'} |`),
    '',
    'Plans:',
    ...result.timings.flatMap((timing) => [`- ${timing.name}:`, ...timing.plan.map((line) => `    ${line}`)]),
  ];
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureLogQueries(Number(process.argv[2] ?? 1_000_000), process.argv[3]);
  console.log(formatLogQueries(result).join('\n'));
}
