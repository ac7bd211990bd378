import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { logRecord } from './log-record-fixture.js';
import { SqliteLogWriteThread } from './sqlite-log-write-thread.js';
import { sqliteLogRows } from './sqlite-request-logs.js';

test('a file store writes request-log batches on its writer thread, readable at once from the main connection', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-log-thread-'));
  const store = new SqliteStore(join(directory, 'logs.db'));
  try {
    await store.migrate();
    const records = Array.from({ length: 1_234 }, (_, index) => logRecord({ id: `req-${index}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString() }));
    await store.insertRequestLogs(records);
    // A repeated batch (a retry after a timeout) adds nothing.
    await store.insertRequestLogs(records.slice(0, 10));
    const page = await store.queryRequestLogs({ limit: 5 });
    assert.deepEqual(page.records.map((record) => record.id), ['req-1233', 'req-1232', 'req-1231', 'req-1230', 'req-1229']);
    assert.deepEqual(await store.getRequestLog('req-7'), records[7]);
    const db = new Database(join(directory, 'logs.db'));
    assert.equal((db.prepare('SELECT count(*) AS n FROM request_logs').get() as { n: number }).n, 1_234);
    db.close();
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a batch the writer thread cannot write is rejected with the database error (the writer keeps and retries it)', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-log-thread-'));
  // No migration ran: the table does not exist.
  new Database(join(directory, 'empty.db')).close();
  const thread = new SqliteLogWriteThread(join(directory, 'empty.db'), 1_000);
  try {
    await assert.rejects(thread.write(sqliteLogRows([logRecord()]).rows), /no such table: request_logs/);
  } finally {
    await thread.close();
    rmSync(directory, { recursive: true, force: true });
  }
});

test('the writer thread reports its own CPU time and I/O counters, which grow with the rows it writes', { skip: process.platform !== 'linux' && 'reads /proc/thread-self' }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-log-thread-'));
  const store = new SqliteStore(join(directory, 'logs.db'));
  await store.migrate();
  await store.close();
  const thread = new SqliteLogWriteThread(join(directory, 'logs.db'), 1_000);
  try {
    const before = await thread.measureThread();
    const records = Array.from({ length: 2_000 }, (_, index) => logRecord({ id: `req-${index}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString() }));
    await thread.write(sqliteLogRows(records).rows);
    const after = await thread.measureThread();
    assert.ok(after.cpuNanoseconds! > before.cpuNanoseconds!, 'CPU time grew');
    assert.ok(after.io!.syscw! > before.io!.syscw!, 'the commits wrote');
  } finally {
    await thread.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
