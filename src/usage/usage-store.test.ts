import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { whenPostgresReachable } from '../observability/postgres-test-support.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { emptyCounts, type UsageRow } from './usage-records.js';

const row = (group: Partial<UsageRow>, counts: Partial<UsageRow> = {}): UsageRow => ({
  day: '2026-03-10',
  key_id: 'key_a',
  team_id: 'team_1',
  route: '',
  provider: 'openai',
  model: 'openai/gpt-4o-mini',
  ...emptyCounts(),
  requests: 1,
  ...group,
  ...counts,
});

/** The usage part of the Store contract, for both backends. */
function describeUsageStore(name: string, open: () => Promise<Store>): void {
  describe(`${name}: usage totals`, () => {
    test('adding to an existing group sums every count; other groups stay apart', async () => {
      const store = await open();
      try {
        await store.addUsage([row({}, { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15, cost_usd: 0.25, cached_tokens: 2 })]);
        await store.addUsage([
          row({}, { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2, cost_usd: 0.5, unpriced_requests: 0, estimated_requests: 1 }),
          row({ key_id: 'key_b' }, { requests: 4, cost_usd: 1 }),
          row({ day: '2026-03-11', model: 'anthropic/claude' , provider: 'anthropic' }, { requests: 2, unpriced_requests: 2 }),
        ]);
        const byKey = await store.queryUsage({ from: '2026-03-10', to: '2026-03-10', groupBy: ['key'] });
        assert.deepEqual(byKey.map((entry) => [entry.key_id, entry.requests, entry.prompt_tokens, entry.total_tokens, entry.cached_tokens, entry.cost_usd, entry.estimated_requests]), [
          ['key_a', 2, 11, 17, 2, 0.75, 1],
          ['key_b', 4, 0, 0, 0, 1, 0],
        ]);
        const byDayAndProvider = await store.queryUsage({ from: '2026-03-01', to: '2026-03-31', groupBy: ['day', 'provider'] });
        assert.deepEqual(byDayAndProvider.map((entry) => [entry.day, entry.provider, entry.requests, entry.unpriced_requests]), [
          ['2026-03-10', 'openai', 6, 0],
          ['2026-03-11', 'anthropic', 2, 2],
        ]);
        const [total] = await store.queryUsage({ from: '2026-03-01', to: '2026-03-31', groupBy: [], keyId: 'key_a' });
        assert.equal(total.requests, 4);
        assert.equal(typeof total.requests, 'number');
        const [none] = await store.queryUsage({ from: '2027-01-01', to: '2027-01-31', groupBy: [] });
        assert.deepEqual(none, emptyCounts(), 'an empty range sums to zeros');
      } finally {
        await store.close();
      }
    });

    test('cache hits and the cost they saved are summed like the other counts', async () => {
      const store = await open();
      try {
        await store.addUsage([row({ key_id: 'key_hits' }, { requests: 3, cache_hits: 2, cost_saved_usd: 0.5, cost_usd: 0.25 })]);
        await store.addUsage([row({ key_id: 'key_hits' }, { requests: 1, cache_hits: 1, cost_saved_usd: 0.125 })]);
        const [total] = await store.queryUsage({ from: '2026-03-10', to: '2026-03-10', groupBy: [], keyId: 'key_hits' });
        assert.deepEqual([total.requests, total.cache_hits, total.cost_saved_usd, total.cost_usd], [4, 3, 0.625, 0.25]);
        assert.equal(typeof total.cache_hits, 'number');
      } finally {
        await store.close();
      }
    });

    test('concurrent batches on the same groups lose nothing', async () => {
      const store = await open();
      try {
        const batch = () => [row({ key_id: 'k1' }, { cost_usd: 0.001 }), row({ key_id: 'k2' }, { cost_usd: 0.002 })];
        await Promise.all(Array.from({ length: 20 }, () => store.addUsage(batch())));
        const totals = await store.queryUsage({ from: '2026-03-10', to: '2026-03-10', groupBy: ['key'] });
        assert.deepEqual(totals.map((entry) => [entry.key_id, entry.requests]), [['k1', 20], ['k2', 20]]);
        assert.ok(Math.abs(totals[1].cost_usd - 0.04) < 1e-12);
      } finally {
        await store.close();
      }
    });
  });
}

describeUsageStore('SQLite', async () => {
  const store = new SqliteStore(':memory:');
  await store.migrate();
  return store;
});

// PostgreSQL at DATABASE_URL, a fresh schema per store; skipped without a server outside CI.
await whenPostgresReachable('PostgreSQL usage totals', (openStore) => describeUsageStore('PostgreSQL', openStore));
