import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { requestLogColumns, type RequestLogRecord } from '../observability/request-log-record.js';
import type { Store } from '../store/store.js';
import { syntheticLogRow, syntheticTraffic } from './log-row-generator.js';

const filledTables = ['request_logs', 'request_log_metadata'];

/**
 * Fills a migrated PostgreSQL log store to `total` rows in minutes rather than hours: the
 * secondary indexes (the gateway's own, read from pg_indexes) are dropped; the first `seedRows`
 * go in through the store's own insert (its metadata entries included); the rest are copies of
 * them made by the server, each generation shifted 30 days back with its own ids, their metadata
 * entries made in the same statement as the store makes them; then the indexes are built again
 * and ANALYZE gives the planner the statistics a running database has. Resumable: the dropped
 * indexes' definitions wait in bench_deferred_indexes until they exist again.
 */
export async function fillPostgresLogStore(url: string, store: Store, present: number, total: number, seedRows: number, progress: (line: string) => void) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const pending = (await client.query("SELECT to_regclass('bench_deferred_indexes') IS NOT NULL AS pending")).rows[0].pending as boolean;
    if (present >= total && !pending) return { insertedRows: 0, fillSeconds: 0, copiedRows: 0, copySeconds: 0, indexSeconds: 0 };
    await deferIndexes(client);
    const seed = Math.min(total, seedRows);
    const fillStarted = performance.now();
    for (let start = present; start < seed; start += 2_000) {
      const batch: RequestLogRecord[] = [];
      for (let index = start; index < Math.min(seed, start + 2_000); index++) batch.push(syntheticLogRow(index, seed));
      await store.insertRequestLogs(batch);
      if ((start + batch.length) % 20_000 === 0 || start + batch.length === seed) progress(`  ${(start + batch.length).toLocaleString('en')} rows generated, ${Math.round((start + batch.length - present) / ((performance.now() - fillStarted) / 1000))} rows/s`);
    }
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const copyStarted = performance.now();
    const copiedFrom = Math.max(present, seed);
    const columns = requestLogColumns.join(', ');
    const shifted = requestLogColumns
      .map((column) => (column === 'id' ? `id || '.' || $1` : column === 'at' ? `to_char(at::timestamptz AT TIME ZONE 'UTC' - $2::interval, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : column))
      .join(', ');
    for (let done = copiedFrom; done < total; ) {
      const generation = Math.floor(done / seed);
      const rows = Math.min(seed - (done % seed), total - done);
      await client.query(
        `WITH inserted AS (
           INSERT INTO request_logs (${columns})
           SELECT ${shifted} FROM request_logs WHERE position('.' in id) = 0 ORDER BY at, id OFFSET $3 LIMIT $4
           RETURNING id, at, metadata)
         INSERT INTO request_log_metadata (meta_key, meta_value, log_at, log_id)
         SELECT pair.key, pair.value, inserted.at, inserted.id FROM inserted CROSS JOIN LATERAL jsonb_each_text(inserted.metadata) AS pair
         WHERE pair.value IS NOT NULL`,
        [String(generation), `${generation * syntheticTraffic.days} days`, done % seed, rows],
      );
      done += rows;
      progress(`  ${done.toLocaleString('en')} rows (copies), ${Math.round((done - copiedFrom) / ((performance.now() - copyStarted) / 1000))} rows/s`);
    }
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const indexStarted = performance.now();
    await restoreIndexes(client, progress);
    return { insertedRows: Math.max(0, seed - present), fillSeconds, copiedRows: Math.max(0, total - copiedFrom), copySeconds, indexSeconds: (performance.now() - indexStarted) / 1000 };
  } finally {
    await client.end();
  }
}

async function deferIndexes(client: pg.Client): Promise<void> {
  await client.query('CREATE TABLE IF NOT EXISTS bench_deferred_indexes (name text PRIMARY KEY, definition text NOT NULL)');
  const indexes = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1) AND indexname NOT LIKE '%_pkey'`,
    [filledTables],
  );
  for (const index of indexes.rows) {
    await client.query('INSERT INTO bench_deferred_indexes (name, definition) VALUES ($1, $2) ON CONFLICT DO NOTHING', [index.indexname, index.indexdef]);
    await client.query(`DROP INDEX "${index.indexname}"`);
  }
}

async function restoreIndexes(client: pg.Client, progress: (line: string) => void): Promise<void> {
  const indexes = await client.query<{ name: string; definition: string }>('SELECT name, definition FROM bench_deferred_indexes ORDER BY name');
  for (const index of indexes.rows) {
    const started = performance.now();
    await client.query(index.definition);
    await client.query('DELETE FROM bench_deferred_indexes WHERE name = $1', [index.name]);
    progress(`  index ${index.name} built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  await client.query('DROP TABLE bench_deferred_indexes');
  await client.query('ANALYZE request_logs');
  await client.query('ANALYZE request_log_metadata');
}
