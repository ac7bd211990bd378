import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { logRecord } from '../observability/log-record-fixture.js';
import { RequestLogWriter } from '../observability/request-log-writer.js';
import { openStore } from '../store/open-store.js';

export interface LogWriteRate {
  storage: string;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  /** Records the store acknowledged: must equal `records`. */
  written: number;
}

/**
 * The request log's sustained write rate through the real path: RequestLogWriter batches into a
 * SQLite file (WAL, as in production, not :memory:) with all five indexes, records spread over
 * keys, teams, models and statuses so the indexes do real work. Issue 7 target: ≥ 5,000 records/s.
 */
export async function measureLogWrites(records = 200_000, batchSize = 1_000): Promise<LogWriteRate> {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-log-bench-'));
  const store = await openStore(`sqlite:${join(directory, 'bench.db')}`);
  const writer = new RequestLogWriter(store, pino({ level: 'silent' }), { queueSize: records, batchSize, flushIntervalMs: 50 });
  const base = logRecord();
  const startMs = Date.UTC(2026, 0, 1);
  try {
    const started = performance.now();
    for (let index = 0; index < records; index++) {
      writer.record({
        ...base,
        id: `bench-${index}`,
        at: new Date(startMs + index).toISOString(),
        key_id: `key-${index % 500}`,
        team_id: `team-${index % 20}`,
        model_served: `openai/model-${index % 10}`,
        status: index % 50 === 0 ? 502 : 200,
        metadata: { user: `u-${index % 1000}` },
      });
      // Lets the writer's batches interleave with arrivals, as under live traffic.
      if (index % batchSize === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.close();
    const seconds = (performance.now() - started) / 1000;
    return { storage: 'sqlite file (WAL)', records, seconds, recordsPerSecond: records / seconds, written: writer.written };
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await measureLogWrites(Number(process.argv[2] ?? 200_000));
  console.log(`| log store | records | seconds | records/s |\n|---|---|---|---|\n| ${result.storage} | ${result.records} | ${result.seconds.toFixed(2)} | ${Math.round(result.recordsPerSecond)} |`);
  if (result.written !== result.records) console.log(`WARNING: ${result.records - result.written} records not written`);
}
