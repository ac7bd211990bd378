import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'libsql';
import { prepareSqliteLogInsert, type SqliteLogRow } from './sqlite-request-logs.js';

/**
 * Writes request-log rows into the SQLite file on a thread of its own (sqlite-log-write-thread.ts
 * starts it). libsql's calls are synchronous and a row of this table costs tens of µs with its
 * indexes, plus WAL appends per commit and checkpoints with fsyncs: on the event loop that cost
 * 44 % of the gateway's throughput and held the loop for tens of ms per batch. Here the event loop
 * pays only the hand-over. Messages in: `{ id, rows }` (bound parameters per row); out: `{ id }`
 * or `{ id, error }`.
 */
interface WorkerInput {
  path: string;
  busyTimeoutMs: number;
  /** Rows per transaction: bounds how long this thread holds the write lock other writers wait on. */
  rowsPerTransaction: number;
  /** `name = value` pragmas for this connection, applied after the defaults (benchmarks try variants). */
  pragmas: readonly string[];
}

const port = parentPort;
if (port) {
  const { path, busyTimeoutMs, rowsPerTransaction, pragmas } = workerData as WorkerInput;
  const db = new Database(path);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // Same durability as the main connection (sqlite-store.ts); WAL mode is the file's, already set.
  db.pragma('synchronous = NORMAL');
  // 64 MB of page cache instead of SQLite's 2 MB: every row lands on the last leaf of its key's
  // range in the key index and of its user's in the metadata index — thousands of hot leaves,
  // which 2 MB could not keep. Measured at 1.1M rows: 18 → 6 read calls and 215 → 185 µs CPU per
  // row (docs/observability.md). The cache fills only as far as the file's hot pages go.
  db.pragma('cache_size = -65536');
  for (const pragma of pragmas) db.pragma(pragma);
  // Prepared at the first batch, inside its error handling: the table may not exist yet. Multi-row
  // INSERTs measured no faster: the time is in the table's indexes, not in binding.
  let insert: ((rows: readonly SqliteLogRow[]) => void) | undefined;
  port.on('message', ({ id, rows, measure }: { id: number; rows?: SqliteLogRow[]; measure?: boolean }) => {
    // Benchmarks ask for this thread's own CPU time (process.cpuUsage would count every thread).
    if (measure) return port.postMessage({ id, cpuNanoseconds: threadCpuNanoseconds(), io: threadIo() });
    try {
      insert ??= prepareSqliteLogInsert(db);
      rows ??= [];
      for (let start = 0; start < rows.length; start += rowsPerTransaction) insert(rows.slice(start, start + rowsPerTransaction));
      port.postMessage({ id });
    } catch (error) {
      port.postMessage({ id, error: String((error as Error)?.message ?? error) });
    }
  });
}

/** On-CPU time of the calling thread (Linux); undefined elsewhere. */
function threadCpuNanoseconds(): number | undefined {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/** The calling thread's I/O counters (Linux: syscr, syscw, rchar, wchar…): unlike CPU time, load does not change them. */
function threadIo(): Record<string, number> | undefined {
  try {
    return Object.fromEntries(readFileSync('/proc/thread-self/io', 'utf8').trim().split('\n').map((line) => {
      const [name, value] = line.split(':');
      return [name!, Number(value)];
    }));
  } catch {
    return undefined;
  }
}
