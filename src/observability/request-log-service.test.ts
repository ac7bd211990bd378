import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { openStore } from '../store/open-store.js';
import { logRecord } from './log-record-fixture.js';
import { requestLogConfigSchema } from './request-log-config.js';
import { RequestLogService } from './request-log-service.js';

test('background pruning applies retention by age and by row count from the config', async () => {
  const store = await openStore('memory');
  const config = requestLogConfigSchema.parse({ retention_days: 7, max_rows: 3, prune_interval_ms: 3_600_000 });
  const service = new RequestLogService(config, store, pino({ level: 'silent' }));
  const now = Date.UTC(2026, 5, 30);
  const daysAgo = (days: number) => new Date(now - days * 86_400_000).toISOString();
  await store.insertRequestLogs([10, 8, 6, 5, 4, 1].map((days) => logRecord({ id: `d${days}`, at: daysAgo(days) })));
  await service.prune(now);
  const left = (await store.queryRequestLogs({ limit: 10 })).records.map((record) => record.id);
  assert.deepEqual(left, ['d1', 'd4', 'd5'], 'older than 7 days went, then all but the newest 3');
  await service.close();
  await store.close();
});

test('a failing prune is logged, not thrown, and the next one runs', async () => {
  let calls = 0;
  const store = { pruneRequestLogs: async () => (calls++ === 0 ? Promise.reject(new Error('locked')) : 2), insertRequestLogs: async () => undefined };
  const service = new RequestLogService(requestLogConfigSchema.parse({}), store as never, pino({ level: 'silent' }));
  await service.prune();
  await service.prune();
  assert.equal(calls, 2);
  await service.close();
});
