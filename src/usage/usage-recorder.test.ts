import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import type { Store } from '../store/store.js';
import type { UsageRow } from './usage-records.js';
import { UsageRecorder } from './usage-recorder.js';

/** A store stand-in that records batches and fails when told to. */
function fakeStore() {
  const batches: UsageRow[][] = [];
  const state = { failing: false };
  const store = {
    async addUsage(rows: readonly UsageRow[]) {
      if (state.failing) throw new Error('store down');
      batches.push(rows.map((row) => ({ ...row })));
    },
  } as unknown as Store;
  return { store, batches, state };
}

const tokens = { prompt: 10, completion: 5, total: 15, cached: 2, cacheWrite: 1, reasoning: 3 };
const entry = (keyId: string, costUsd: number | null, atMs = Date.UTC(2026, 2, 10, 12)) => ({ atMs, keyId, teamId: 't', provider: 'openai', model: 'openai/m', tokens, estimated: false, costUsd });

test('requests of one group and day are summed into one row per flush', async () => {
  const { store, batches } = fakeStore();
  const recorder = new UsageRecorder(store, pino({ level: 'silent' }), { flushIntervalMs: 60_000 });
  recorder.record(entry('a', 0.1));
  recorder.record(entry('a', null));
  recorder.record(entry('b', 0.2));
  recorder.record(entry('a', 0.3, Date.UTC(2026, 2, 11, 0, 0, 1)));
  await recorder.flush();
  assert.equal(batches.length, 1);
  const [first] = batches[0].filter((row) => row.key_id === 'a' && row.day === '2026-03-10');
  assert.deepEqual(
    [first.requests, first.prompt_tokens, first.cached_tokens, first.cache_write_tokens, first.reasoning_tokens, first.cost_usd, first.unpriced_requests, first.route],
    [2, 20, 4, 2, 6, 0.1, 1, ''],
  );
  assert.equal(batches[0].length, 3, 'key b, and key a on the next day, are rows of their own');
  await recorder.flush();
  assert.equal(batches.length, 1, 'nothing pending, nothing written');
  await recorder.close();
});

test('a failed write is kept and merged into the next one', async () => {
  const { store, batches, state } = fakeStore();
  const recorder = new UsageRecorder(store, pino({ level: 'silent' }), { flushIntervalMs: 60_000 });
  state.failing = true;
  recorder.record(entry('a', 0.1));
  await recorder.flush();
  recorder.record(entry('a', 0.2));
  state.failing = false;
  await recorder.close();
  assert.equal(batches.length, 1);
  assert.equal(batches[0][0].requests, 2);
  assert.ok(Math.abs(batches[0][0].cost_usd - 0.3) < 1e-12);
});

test('cache hits count as requests with no tokens or cost, and sum the cost they saved', async () => {
  const { store, batches } = fakeStore();
  const recorder = new UsageRecorder(store, pino({ level: 'silent' }), { flushIntervalMs: 60_000 });
  const none = { prompt: 0, completion: 0, total: 0, cached: 0, cacheWrite: 0, reasoning: 0 };
  recorder.record(entry('a', 0.4));
  recorder.record({ ...entry('a', 0), tokens: none, cacheHit: { costSavedUsd: 0.4 } });
  recorder.record({ ...entry('a', 0), tokens: none, cacheHit: { costSavedUsd: null } });
  await recorder.close();
  const [row] = batches[0];
  assert.deepEqual(
    [row.requests, row.total_tokens, row.cost_usd, row.unpriced_requests, row.cache_hits, row.cost_saved_usd],
    [3, 15, 0.4, 0, 2, 0.4],
  );
});
