import { performance } from 'node:perf_hooks';
import Database from 'libsql';
import { requestLogColumns, type RequestLogRecord } from '../observability/request-log-record.js';
import { insertSqliteRequestLogs } from '../observability/sqlite-request-logs.js';
import { sqliteMetadataText } from '../observability/sqlite-metadata-text.js';
import { syntheticLogRow, syntheticTraffic } from './log-row-generator.js';

/** The request-log tables the fill writes; their indexes are built once, after the rows. */
const filledTables = ['request_logs', 'request_log_metadata'];
const rowsPerTransaction = 100_000;

/**
 * Fills a migrated SQLite log store to `total` rows, fast enough for 10 million on this machine:
 * the secondary indexes (the gateway's own, read from sqlite_master) are dropped, the rows go in
 * by 100,000 per transaction, and the indexes are created again at the end — one sort each
 * instead of ten million random B-tree inserts, with the same definitions, so the queries run
 * against exactly the gateway's schema. The first `seedRows` are generated in JavaScript and
 * inserted with the store's own insert function (metadata entries included); the rest are copies
 * of them made inside SQLite, each generation shifted 30 days back with its own ids, and their
 * metadata entries made by migration 9's statement. Resumable: the dropped indexes' SQL is kept
 * in the file (bench_deferred_indexes) until they exist again.
 */
export function fillSqliteLogStore(path: string, total: number, seedRows: number, progress: (line: string) => void): { insertedRows: number; fillSeconds: number; copiedRows: number; copySeconds: number; indexSeconds: number } {
  const db = new Database(path);
  try {
    db.pragma('busy_timeout = 5000');
    // A scratch file: a crash during the fill only costs a rerun.
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576');
    const present = (db.prepare('SELECT count(*) AS n FROM request_logs').get() as { n: number }).n;
    if (present >= total && !deferredIndexesPending(db)) return { insertedRows: 0, fillSeconds: 0, copiedRows: 0, copySeconds: 0, indexSeconds: 0 };
    deferIndexes(db);
    const generated = Math.min(total, seedRows);
    const fillStarted = performance.now();
    for (let start = present; start < generated; start += rowsPerTransaction) {
      const records: RequestLogRecord[] = [];
      for (let index = start; index < Math.min(generated, start + rowsPerTransaction); index++) records.push(syntheticLogRow(index, generated));
      insertSqliteRequestLogs(db, records);
      progress(`  ${(start + records.length).toLocaleString('en')} rows generated, ${Math.round((start + records.length - present) / ((performance.now() - fillStarted) / 1000))} rows/s`);
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const copyStarted = performance.now();
    const copiedFrom = Math.max(present, generated);
    copySeed(db, generated, copiedFrom, total, progress);
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const indexStarted = performance.now();
    if (total > generated) addCopiesMetadata(db, generated, progress);
    restoreIndexes(db, progress);
    return { insertedRows: Math.max(0, generated - present), fillSeconds, copiedRows: Math.max(0, total - copiedFrom), copySeconds, indexSeconds: (performance.now() - indexStarted) / 1000 };
  } finally {
    db.close();
  }
}

function deferredIndexesPending(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bench_deferred_indexes'").get() !== undefined;
}

function deferIndexes(db: Database.Database): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS bench_deferred_indexes (name TEXT PRIMARY KEY, sql TEXT NOT NULL)');
    // sql IS NULL: the primary key's own index, which stays (it also rejects repeated ids).
    const indexes = db
      .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${filledTables.map(() => '?').join(', ')})`)
      .all(...filledTables) as Array<{ name: string; sql: string }>;
    const keep = db.prepare('INSERT OR IGNORE INTO bench_deferred_indexes (name, sql) VALUES (?, ?)');
    for (const index of indexes) {
      keep.run(index.name, index.sql);
      db.exec(`DROP INDEX "${index.name}"`);
    }
  }).immediate();
}

function restoreIndexes(db: Database.Database, progress: (line: string) => void): void {
  const indexes = db.prepare('SELECT name, sql FROM bench_deferred_indexes ORDER BY name').all() as Array<{ name: string; sql: string }>;
  for (const index of indexes) {
    const started = performance.now();
    db.transaction(() => {
      db.exec(index.sql);
      db.prepare('DELETE FROM bench_deferred_indexes WHERE name = ?').run(index.name);
    }).immediate();
    progress(`  index ${index.name} built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  db.exec('DROP TABLE bench_deferred_indexes');
}

/** Rows `done`..`total` as copies of the seed's rows, `generation` seed spans back (so times stay distinct and ordered), with ids of their own. */
function copySeed(db: Database.Database, seed: number, done: number, total: number, progress: (line: string) => void): void {
  const started = performance.now();
  const from = done;
  const columns = requestLogColumns.join(', ');
  const shifted = requestLogColumns
    .map((column) => (column === 'id' ? `id || '.' || ?` : column === 'at' ? `strftime('%Y-%m-%dT%H:%M:%fZ', at, ?)` : column))
    .join(', ');
  const copy = db.prepare(`INSERT INTO request_logs (${columns}) SELECT ${shifted} FROM request_logs WHERE rowid BETWEEN ? AND ?`);
  while (done < total) {
    const generation = Math.floor(done / seed);
    const offset = done % seed;
    const rows = Math.min(seed - offset, total - done, rowsPerTransaction);
    db.transaction(() => copy.run(String(generation), `-${generation * syntheticTraffic.days} days`, offset + 1, offset + rows)).immediate();
    done += rows;
    if (done % 1_000_000 === 0 || done === total) progress(`  ${done.toLocaleString('en')} rows (copies), ${Math.round((done - from) / ((performance.now() - started) / 1000))} rows/s`);
  }
}

/**
 * The copies' metadata entries, made as migration 9 makes them but sorted by the entry table's
 * key first, so they are appended in key order rather than inserted at random.
 */
function addCopiesMetadata(db: Database.Database, seed: number, progress: (line: string) => void): void {
  const started = performance.now();
  const lastSeed = db.prepare('SELECT rowid AS last FROM request_logs ORDER BY rowid LIMIT 1 OFFSET ?').get(seed - 1) as { last: number } | undefined;
  if (!lastSeed) return;
  const added = db.prepare(
    `INSERT OR IGNORE INTO request_log_metadata (meta_key, meta_value, log_at, log_id)
     SELECT pair.key, ${sqliteMetadataText('pair')}, log.at, log.id
     FROM request_logs AS log, json_each(log.metadata) AS pair WHERE log.rowid > ? AND pair.type <> 'null'
     ORDER BY 1, 2, 3, 4`,
  ).run(lastSeed.last).changes;
  progress(`  ${added.toLocaleString('en')} metadata entries of the copies in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
