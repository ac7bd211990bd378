import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../store/store.js';
import { logRecord } from './log-record-fixture.js';
import type { RequestLogQuery } from './request-log-record.js';

/** The request-log methods of the Store, run against each backend (DESIGN.md §2.5). */
export function describeRequestLogStore(name: string, open: () => Promise<Store>): void {
  describe(`request log store: ${name}`, () => {
    let store: Store;
    const minute = (index: number) => new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString();
    const records = Array.from({ length: 25 }, (_, index) =>
      logRecord({
        id: `req-${String(index).padStart(2, '0')}`,
        at: minute(index),
        key_id: index % 2 === 0 ? 'key-even' : 'key-odd',
        team_id: index < 10 ? 'team-a' : 'team-b',
        status: index % 5 === 0 ? 502 : 200,
        model_served: index % 3 === 0 ? 'anthropic/claude' : 'openai/gpt-4o-mini',
        latency_ms: index * 10,
        cost_usd: index % 4 === 0 ? null : index / 1000,
        cache_status: index % 2 === 0 ? 'HIT' : 'MISS',
        metadata: { user: `u-${index % 3}`, n: index, vip: index % 4 === 0, none: null },
        request_body: index === 7 ? 'a 100% real_needle here' : null,
      }),
    );
    const ids = async (query: Partial<RequestLogQuery>) => (await store.queryRequestLogs({ limit: 100, ...query })).records.map((record) => record.id);

    before(async () => {
      store = await open();
      // Two batches, one repeating a record: a retried batch must not fail or duplicate.
      await store.insertRequestLogs(records.slice(0, 15));
      await store.insertRequestLogs(records.slice(10));
    });
    after(() => store.close());

    test('a record reads back exactly as written, by id', async () => {
      assert.deepEqual(await store.getRequestLog('req-07'), records[7]);
      assert.equal(await store.getRequestLog('missing'), undefined);
    });

    test('newest first; each filter narrows to the matching rows', async () => {
      assert.deepEqual(await ids({}), records.map((record) => record.id).reverse());
      assert.deepEqual(await ids({ from: minute(20), to: minute(23) }), ['req-22', 'req-21', 'req-20']);
      assert.equal((await ids({ keyId: 'key-odd' })).length, 12);
      assert.equal((await ids({ teamId: 'team-a' })).length, 10);
      assert.deepEqual(await ids({ status: 502 }), ['req-20', 'req-15', 'req-10', 'req-05', 'req-00']);
      assert.deepEqual(await ids({ model: 'anthropic/claude', from: minute(15) }), ['req-24', 'req-21', 'req-18', 'req-15']);
      assert.equal((await ids({ model: 'smart' })).length, 25, 'the requested model matches too');
      assert.equal((await ids({ cacheStatus: 'HIT' })).length, 13);
      assert.deepEqual(await ids({ minLatencyMs: 225 }), ['req-24', 'req-23']);
      assert.deepEqual(await ids({ minCostUsd: 0.022 }), ['req-23', 'req-22']);
      assert.deepEqual(await ids({ metadataKey: 'user', metadataValue: 'u-2', to: minute(9) }), ['req-08', 'req-05', 'req-02']);
      assert.deepEqual(await ids({ metadataKey: 'n', metadataValue: '24' }), ['req-24']);
      assert.equal((await ids({ metadataKey: 'absent' })).length, 0);
      assert.deepEqual(await ids({ text: '100% real_needle' }), ['req-07']);
      assert.deepEqual(await ids({ text: '100%_real' }), [], 'LIKE wildcards in the text are literal');
    });

    test('cursor pagination walks every row once, in order', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.queryRequestLogs({ limit: 7, keyId: 'key-even', cursor });
        seen.push(...page.records.map((record) => record.id));
        cursor = page.next_cursor ?? undefined;
        pages += 1;
      } while (cursor);
      assert.equal(pages, 2);
      assert.deepEqual(seen, records.filter((record) => record.key_id === 'key-even').map((record) => record.id).reverse());
    });

    test('metadata key/value: values compare as text on both backends, page by cursor, combine with other filters', async () => {
      assert.deepEqual(await ids({ metadataKey: 'vip', metadataValue: 'true' }), ['req-24', 'req-20', 'req-16', 'req-12', 'req-08', 'req-04', 'req-00']);
      assert.equal((await ids({ metadataKey: 'vip', metadataValue: 'false' })).length, 18);
      assert.equal((await ids({ metadataKey: 'vip' })).length, 25, 'false is a value');
      assert.deepEqual(await ids({ metadataKey: 'none' }), [], 'null is no value');
      assert.deepEqual(await ids({ metadataKey: 'none', metadataValue: 'null' }), []);
      assert.deepEqual(await ids({ metadataKey: 'user', metadataValue: 'u-1', keyId: 'key-even', status: 200 }), ['req-22', 'req-16', 'req-04']);
      assert.deepEqual(await ids({ metadataKey: 'user', metadataValue: 'u-0', model: 'anthropic/claude', from: minute(3) }), ['req-24', 'req-21', 'req-18', 'req-15', 'req-12', 'req-09', 'req-06', 'req-03']);
      assert.deepEqual(await ids({ metadataKey: 'user', metadataValue: 'u-1', from: minute(10), to: minute(15) }), ['req-13', 'req-10'], 'the repeated batch added no entries');
      assert.deepEqual(await ids({ metadataKey: 'user', metadataValue: 'u-0', minLatencyMs: 100, cacheStatus: 'MISS' }), ['req-21', 'req-15']);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.queryRequestLogs({ limit: 3, metadataKey: 'user', metadataValue: 'u-2', to: minute(20), cursor });
        seen.push(...page.records.map((record) => record.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen, ['req-17', 'req-14', 'req-11', 'req-08', 'req-05', 'req-02']);
    });

    test('pruning by age, then by row count, keeps the newest (and their metadata)', async () => {
      assert.equal(await store.pruneRequestLogs({ before: minute(5) }), 5);
      assert.equal(await store.pruneRequestLogs({ keepRows: 8 }), 12);
      assert.deepEqual(await ids({}), records.slice(17).map((record) => record.id).reverse());
      assert.deepEqual(await ids({ metadataKey: 'vip', metadataValue: 'true' }), ['req-24', 'req-20']);
      assert.equal(await store.pruneRequestLogs({ keepRows: 100 }), 0);
    });
  });
}
