import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import type { Store } from '../store/store.js';
import { AlertDeliveryPruner } from './alert-delivery-pruner.js';
import type { AlertDeliveryRecord } from './alert-delivery-record.js';
import { buildAlertPayload } from './alert-payload.js';

/** Test support: the alert-delivery methods of the Store, run against each backend (DESIGN.md §2.5). */
export function describeAlertDeliveryStore(name: string, open: () => Promise<Store>): void {
  describe(`alert delivery store: ${name}`, () => {
    let store: Store;
    const minute = (index: number) => new Date(Date.UTC(2026, 10, 24, 5, index)).toISOString();
    const delivery = (index: number, overrides: Partial<AlertDeliveryRecord> = {}): AlertDeliveryRecord => {
      const payload = buildAlertPayload(
        {
          status: 'firing', rule: index % 2 === 0 ? 'errors' : 'slow', type: index % 2 === 0 ? 'error_rate' : 'latency_p95', subject: `provider=p${index}`,
          value: 0.5 + index / 100, threshold: 0.25, window_ms: 60_000, requests: 40 + index, fired_at: minute(index), resolved_at: null,
          summary: `alert ${index} — «ünïcode»`, details: { nested: { list: [1, 'two', null] } },
        },
        'instance-1',
      );
      return {
        id: `delivery-${String(index).padStart(2, '0')}`, alert_id: payload.id, rule: payload.rule, webhook: index % 3 === 0 ? 'slack' : 'pager',
        status: 'pending', attempts: 1, status_code: 500, error: 'http_500', payload,
        attempt_log: [{ at: minute(index), status_code: 500, error: 'http_500', duration_ms: 12.5 }],
        created_at: minute(index), updated_at: minute(index), delivered_at: null, failed_at: null, ...overrides,
      };
    };
    const records = Array.from({ length: 7 }, (_, index) => delivery(index));

    before(async () => {
      store = await open();
      for (const record of records) await store.saveAlertDelivery(record);
    });
    after(() => store.close());

    test('a delivery reads back exactly as saved, newest first', async () => {
      const page = await store.listAlertDeliveries({ limit: 100 });
      assert.deepEqual(page.records, [...records].reverse());
      assert.equal(page.next_cursor, null);
    });

    test('saving again updates the attempt fields of the same row', async () => {
      const first = records[3];
      const updated: AlertDeliveryRecord = {
        ...first, status: 'delivered', attempts: 2, status_code: 200, error: null, updated_at: minute(30), delivered_at: minute(30),
        attempt_log: [...first.attempt_log, { at: minute(30), status_code: 200, error: null, duration_ms: 3 }],
      };
      await store.saveAlertDelivery(updated);
      const page = await store.listAlertDeliveries({ limit: 100 });
      assert.equal(page.records.length, records.length, 'no second row');
      assert.deepEqual(page.records.find((record) => record.id === first.id), updated);
      records[3] = updated;
    });

    test('filters by rule, webhook and status combine', async () => {
      const ids = async (query: { rule?: string; webhook?: string; status?: AlertDeliveryRecord['status'] }) => (await store.listAlertDeliveries({ limit: 100, ...query })).records.map((record) => record.id);
      assert.deepEqual(await ids({ rule: 'slow' }), ['delivery-05', 'delivery-03', 'delivery-01']);
      assert.deepEqual(await ids({ webhook: 'slack' }), ['delivery-06', 'delivery-03', 'delivery-00']);
      assert.deepEqual(await ids({ rule: 'slow', webhook: 'slack', status: 'delivered' }), ['delivery-03']);
      assert.deepEqual(await ids({ status: 'failed' }), []);
    });

    test('cursor pagination walks every delivery once, in order', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listAlertDeliveries({ limit: 3, cursor });
        assert.ok(page.records.length <= 3);
        seen.push(...page.records.map((record) => record.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen, [...records].reverse().map((record) => record.id));
      await assert.rejects(store.listAlertDeliveries({ limit: 3, cursor: 'not-a-cursor' }), /cursor/);
    });

    // Last: it deletes rows the tests above read.
    test('pruning deletes the deliveries created before the bound only, whatever their status', async () => {
      const ids = async () => (await store.listAlertDeliveries({ limit: 100 })).records.map((record) => record.id).sort();
      assert.equal(await store.pruneAlertDeliveries(minute(3)), 3);
      assert.deepEqual(await ids(), ['delivery-03', 'delivery-04', 'delivery-05', 'delivery-06']);
      assert.equal(await store.pruneAlertDeliveries(minute(3)), 0, 'a second pass finds nothing');
      // The background pruner: 30 days of retention, run 30 days after minute 5.
      const pruner = new AlertDeliveryPruner(store, pino({ level: 'silent' }), 30, 60_000);
      assert.equal(await pruner.prune(Date.parse(minute(5)) + 30 * 86_400_000), 2);
      assert.deepEqual(await ids(), ['delivery-05', 'delivery-06']);
      assert.equal(await new AlertDeliveryPruner(store, pino({ level: 'silent' }), 0, 60_000).prune(Date.parse(minute(60)) + 86_400_000), 0, 'retention 0 keeps everything');
      assert.deepEqual(await ids(), ['delivery-05', 'delivery-06']);
    });
  });
}
