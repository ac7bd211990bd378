import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { RequestLogRecord } from '../observability/request-log-record.js';
import { SqliteLogWriteThread } from '../observability/sqlite-log-write-thread.js';
import { sqliteLogRows } from '../observability/sqlite-request-logs.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { fillSqliteLogStore } from './fill-sqlite-log-store.js';
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
 * PATH is a scratch SQLite file, kept so the prefill is paid once (each run appends ROWS, so pass
 * the new count as PRESENT next time); delete it afterwards. Variants without code changes:
 * SLUICE_BENCH_WRITER_PRAGMAS ("cache_size = -16384;wal_autocheckpoint = 10000", applied after the
 * writer's own) and SLUICE_BENCH_ROWS_PER_TRANSACTION (500). Figures: docs/observability.md.
 */
const batchSize = 1_000;

function threadCpuNanoseconds(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
}

export async function measureLogWriteCost(path: string, present: number, rows: number, ids: 'random' | 'time-ordered', progress = console.error) {
  const store = new SqliteStore(path);
  await store.migrate();
  await store.close();
  // Setup, not the figure: the bench's bulk fill (indexes built after the rows).
  fillSqliteLogStore(path, present, present, progress);
  const pragmas = (process.env.SLUICE_BENCH_WRITER_PRAGMAS ?? '').split(';').filter((pragma) => pragma.trim() !== '');
  const thread = new SqliteLogWriteThread(path, 5000, Number(process.env.SLUICE_BENCH_ROWS_PER_TRANSACTION ?? 500), pragmas);
  let handOverNanoseconds = 0;
  try {
    const writerStart = await thread.measureThread();
    const started = performance.now();
    for (let start = present; start < present + rows; start += batchSize) {
      const records: RequestLogRecord[] = [];
      for (let index = start; index < Math.min(present + rows, start + batchSize); index++) records.push(syntheticLogRow(index, present, ids));
      const before = threadCpuNanoseconds();
      const written = thread.write(sqliteLogRows(records).rows);
      handOverNanoseconds += threadCpuNanoseconds() - before;
      await written;
    }
    const seconds = (performance.now() - started) / 1000;
    const writerEnd = await thread.measureThread();
    const writerNanoseconds = (writerEnd.cpuNanoseconds ?? 0) - (writerStart.cpuNanoseconds ?? 0);
    const perRow = (name: string) => ((writerEnd.io?.[name] ?? 0) - (writerStart.io?.[name] ?? 0)) / rows;
    return {
      present,
      rows,
      ids,
      pragmas,
      writerMicrosecondsPerRow: writerNanoseconds / rows / 1000,
      handOverMicrosecondsPerRow: handOverNanoseconds / rows / 1000,
      // Less load-dependent than CPU time: system calls and bytes through them per row on the writer thread.
      writerReadCallsPerRow: perRow('syscr'),
      writerWriteCallsPerRow: perRow('syscw'),
      writerBytesReadPerRow: perRow('rchar'),
      writerBytesWrittenPerRow: perRow('wchar'),
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
