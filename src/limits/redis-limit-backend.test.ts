import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeLimitBackendContract } from './limit-backend-contract.js';
import { RedisLimitBackend } from './redis-limit-backend.js';
import { redisUrl, whenRedisReachable } from './redis-test-support.js';

const open = async () => {
  const backend = new RedisLimitBackend({ url: redisUrl, commandTimeoutMs: 2_000 });
  assert.equal(await backend.ready(3_000), true);
  return backend;
};

await whenRedisReachable('Redis limit backend', () => {
  describeLimitBackendContract('redis', open);

  test('an in-flight lease of a crashed instance expires instead of holding its slot', async () => {
    const crashed = new RedisLimitBackend({ url: redisUrl, commandTimeoutMs: 2_000, leaseTtlMs: 300 });
    const survivor = await open();
    after(() => survivor.close());
    await crashed.ready(3_000);
    const slot = { key: `test:lease:${Date.now()}:${Math.random()}`, limit: 1 };
    const take = (backend: RedisLimitBackend, leaseId: string) => backend.acquire({ windows: [], concurrency: [slot], budgets: [], leaseId });
    assert.equal((await take(crashed, 'a')).allowed, true);
    // The "crash": the connection goes without releasing, and the heartbeat stops with it.
    await crashed.close();
    assert.equal((await take(survivor, 'b')).allowed, false);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal((await take(survivor, 'c')).allowed, true);
  });

  test('the heartbeat keeps a long request\'s lease alive past its TTL', async () => {
    const holder = new RedisLimitBackend({ url: redisUrl, commandTimeoutMs: 2_000, leaseTtlMs: 300 });
    const other = await open();
    after(async () => {
      await holder.close();
      await other.close();
    });
    await holder.ready(3_000);
    const slot = { key: `test:heartbeat:${Date.now()}:${Math.random()}`, limit: 1 };
    assert.equal((await holder.acquire({ windows: [], concurrency: [slot], budgets: [], leaseId: 'long' })).allowed, true);
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal((await other.acquire({ windows: [], concurrency: [slot], budgets: [], leaseId: 'x' })).allowed, false);
    await holder.settle({ leaseId: 'long', corrections: [], releases: [slot.key], spend: [] });
    assert.equal((await other.acquire({ windows: [], concurrency: [slot], budgets: [], leaseId: 'y' })).allowed, true);
  });
});
