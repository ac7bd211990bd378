import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Database from 'libsql';
import type { RequestLogRecord } from '../observability/request-log-record.js';
import { SqliteLogWriteThread } from '../observability/sqlite-log-write-thread.js';
import { insertSqliteRequestLogs, sqliteLogRows } from '../observability/sqlite-request-logs.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { syntheticLogRow } from './log-row-generator.js';

/**
 * CPU per request-log row, on both sides of the SQLite writer thread, into a file that already
 * holds `present` rows (a B-tree's cost per insert grows with its size and with how randomly it is
 * written). Thread CPU comes from /proc/thread-self/schedstat (ns on CPU), so neither the load of
 * other processes nor the other thread's work counts:
 * - writer: the writer thread's CPU per row (bind, insert into the table and its indexes, commit);
 * - hand-over: the request thread's CPU per row to encode a batch and post it to the writer.
 *
 *   node dist/bench/measure-log-write-cost.js PATH [PRESENT=1000000] [ROWS=200000] [random|time-ordered]
 *
 * PATH is a scratch SQLite file, kept so the prefill is paid once; delete it afterwards.
 */
const batchSize = 1_000;

function threadCpuNanoseconds(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
}

/** Fills to `present` rows in one transaction per 100,000 with a large page cache: the prefill is setup, not the figure. */
function prefill(path: string, present: number, total: number, ids: 'random' | 'time-ordered', progress: (line: string) => void): void {
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -524288');
  const existing = (db.prepare('SELECT count(*) AS n FROM request_logs').get() as { n: number }).n;
  const started = performance.now();
  for (let start = existing; start < present; start += 100_000) {
    const records: RequestLogRecord[] = [];
    for (let index = start; index < Math.min(present, start + 100_000); index++) records.push(syntheticLogRow(index, total, ids));
    insertSqliteRequestLogs(db, records);
    progress(`  prefill: ${Math.min(present, start + 100_000).toLocaleString('en')} rows, ${Math.round((Math.min(present, start + 100_000) - existing) / ((performance.now() - started) / 1000))} rows/s`);
  }
  db.close();
}

export async function measureLogWriteCost(path: string, present: number, rows: number, ids: 'random' | 'time-ordered', progress = console.error) {
  const store = new SqliteStore(path);
  await store.migrate();
  await store.close();
  prefill(path, present, present + rows, ids, progress);
  const thread = new SqliteLogWriteThread(path, 5000);
  let handOverNanoseconds = 0;
  try {
    const writerStart = (await thread.threadCpuNanoseconds()) ?? 0;
    const started = performance.now();
    for (let start = present; start < present + rows; start += batchSize) {
      const records: RequestLogRecord[] = [];
      for (let index = start; index < Math.min(present + rows, start + batchSize); index++) records.push(syntheticLogRow(index, present + rows, ids));
      const before = threadCpuNanoseconds();
      const written = thread.write(sqliteLogRows(records).rows);
      handOverNanoseconds += threadCpuNanoseconds() - before;
      await written;
    }
    const seconds = (performance.now() - started) / 1000;
    const writerNanoseconds = ((await thread.threadCpuNanoseconds()) ?? 0) - writerStart;
    return {
      present,
      rows,
      ids,
      writerMicrosecondsPerRow: writerNanoseconds / rows / 1000,
      handOverMicrosecondsPerRow: handOverNanoseconds / rows / 1000,
      rowsPerSecond: rows / seconds,
    };
  } finally {
    await thread.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = process.argv[2];
  if (!path) throw new Error('usage: measure-log-write-cost.js PATH [PRESENT] [ROWS] [random|time-ordered]');
  if (!existsSync(path)) console.error(`${path}: new file`);
  const result = await measureLogWriteCost(path, Number(process.argv[3] ?? 1_000_000), Number(process.argv[4] ?? 200_000), (process.argv[5] ?? 'time-ordered') as 'random' | 'time-ordered');
  console.log(JSON.stringify({ ...result, loadAverage: (await import('node:os')).loadavg() }));
}
