import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { logRecord } from './log-record-fixture.js';
import type { RequestLogRecord } from './request-log-record.js';
import { RequestLogWriter } from './request-log-writer.js';

const silent = pino({ level: 'silent' });

/** A store that can be switched off, recording the batches it accepted. */
function fakeStore() {
  const batches: RequestLogRecord[][] = [];
  const state = { down: false };
  return {
    batches,
    state,
    async insertRequestLogs(records: readonly RequestLogRecord[]) {
      if (state.down) throw new Error('store down');
      batches.push([...records]);
    },
  };
}

const records = (count: number) => Array.from({ length: count }, (_, index) => logRecord({ id: `r${index}` }));

test('records are written in batches of at most batch_size, in arrival order', async () => {
  const store = fakeStore();
  const writer = new RequestLogWriter(store, silent, { batchSize: 4, flushIntervalMs: 60_000 });
  for (const record of records(10)) writer.record(record);
  await writer.close();
  assert.deepEqual(store.batches.map((batch) => batch.length), [4, 4, 2]);
  assert.deepEqual(store.batches.flat().map((record) => record.id), records(10).map((record) => record.id));
  assert.equal(writer.written, 10);
});

test('a full queue drops and counts new records instead of growing', async () => {
  const store = fakeStore();
  store.state.down = true;
  const writer = new RequestLogWriter(store, silent, { queueSize: 5, batchSize: 100, flushIntervalMs: 60_000 });
  for (const record of records(8)) writer.record(record);
  assert.equal(writer.depth, 5);
  assert.equal(writer.dropped, 3);
  await writer.flush();
  assert.equal(writer.depth, 5, 'a failed batch goes back to the queue');
  assert.equal(writer.failedBatches, 1);
  store.state.down = false;
  await writer.close();
  assert.deepEqual(store.batches.flat().map((record) => record.id), ['r0', 'r1', 'r2', 'r3', 'r4']);
});

test('records arriving during an outage are kept behind the failed batch and written after it', async () => {
  const store = fakeStore();
  const writer = new RequestLogWriter(store, silent, { batchSize: 2, flushIntervalMs: 60_000 });
  store.state.down = true;
  writer.record(logRecord({ id: 'a' }));
  writer.record(logRecord({ id: 'b' }));
  await writer.flush();
  writer.record(logRecord({ id: 'c' }));
  store.state.down = false;
  await writer.close();
  assert.deepEqual(store.batches.flat().map((record) => record.id), ['a', 'b', 'c']);
  assert.equal(writer.dropped, 0);
});

test('the timer flushes without anyone calling flush', async () => {
  const store = fakeStore();
  const writer = new RequestLogWriter(store, silent, { batchSize: 100, flushIntervalMs: 10 });
  writer.record(logRecord());
  for (let wait = 0; wait < 100 && store.batches.length === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(store.batches.length, 1);
  await writer.close();
});

test('while the store fails, full batches wait for the timer instead of calling the store per record', async () => {
  const store = fakeStore();
  let calls = 0;
  const counting = { async insertRequestLogs(records: readonly RequestLogRecord[]) { calls++; return store.insertRequestLogs(records); } };
  store.state.down = true;
  const writer = new RequestLogWriter(counting, silent, { batchSize: 2, flushIntervalMs: 60_000 });
  writer.record(logRecord({ id: 'a' }));
  writer.record(logRecord({ id: 'b' }));
  await writer.flush();
  const afterFailure = calls;
  for (const record of records(50)) writer.record(record);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(calls, afterFailure, 'no write attempts between timer ticks');
  store.state.down = false;
  await writer.close();
  assert.equal(store.batches.flat().length, 52);
});

test('find() sees a record while it is queued and while its batch is being written, not after', async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const written: string[] = [];
  const store = {
    async insertRequestLogs(batch: readonly RequestLogRecord[]) {
      await gate;
      written.push(...batch.map((record) => record.id));
    },
  };
  const writer = new RequestLogWriter(store, silent, { batchSize: 2, flushIntervalMs: 60_000 });
  writer.record(logRecord({ id: 'a', key_id: 'key-a' }));
  assert.equal(writer.find('a')?.key_id, 'key-a');
  assert.equal(writer.find('b'), undefined);
  writer.record(logRecord({ id: 'b' }));
  // The second record filled a batch: it is now out of the queue, waiting on the store.
  assert.equal(writer.depth, 0);
  assert.equal(writer.find('a')?.id, 'a', 'in flight');
  release();
  await writer.close();
  assert.deepEqual(written, ['a', 'b']);
  assert.equal(writer.find('a'), undefined);
});
