import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { redisUnreachableReason } from '../limits/redis-test-support.js';
import { contractSettings, describeBreakerContract } from './breaker-store-contract.js';
import { createRedisBreakerStore, RedisBreakerStore } from './redis-breaker-store.js';

/**
 * Runs against REDIS_URL, each store on a key prefix of its own. Without a server: skipped
 * with the reason, except with CI=true, where a missing Redis must fail the build.
 */
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = randomBytes(4).toString('hex');
let stores = 0;
const newPrefix = () => `sluice-test:${runId}:${(stores += 1)}:`;


/** A store whose connection is up before the test uses it (commands fail fast while connecting). */
async function openStore(prefix = newPrefix(), syncMs = 1_000): Promise<RedisBreakerStore> {
  const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  await new Promise<void>((resolve, reject) => redis.once('ready', resolve).once('error', reject));
  return new RedisBreakerStore(redis, { prefix, syncMs });
}

const unreachable = await redisUnreachableReason(url);

test('a Redis outage degrades to local breaker state, never to an error', async () => {
  const warnings: unknown[] = [];
  const store = createRedisBreakerStore('redis://127.0.0.1:1', { logger: { warn: (...args: unknown[]) => warnings.push(args), info: () => undefined } as never });
  try {
    const now = 1_700_000_000_000;
    for (let index = 0; index < 3; index++) store.record('p/m', 'failure', contractSettings, now);
    await store.flush();
    assert.equal(await store.acquire('p/m', contractSettings, now + 1), 'reject', 'the local copy still opened the breaker');
    assert.equal((await store.snapshot('p/m', now + 1, contractSettings.windowMs)).state, 'open');
    assert.equal(await store.acquire('p/m', contractSettings, now + contractSettings.cooldownMs), 'probe');
  } finally {
    await store.close();
  }
  assert.ok(warnings.length <= 1, 'the outage is reported once, not per command');
});

if (unreachable !== undefined && process.env.CI !== 'true') {
  console.log(`skipping Redis breaker tests: ${unreachable}`);
  test('Redis circuit breaker contract', { skip: unreachable }, () => {});
} else if (unreachable !== undefined) {
  test('Redis is reachable (required with CI=true)', () => assert.fail(unreachable));
} else {
  const cleaner = new Redis(url);
  after(async () => {
    const keys = await cleaner.keys(`sluice-test:${runId}:*`);
    if (keys.length > 0) await cleaner.del(...keys);
    cleaner.disconnect();
  });

  describeBreakerContract('redis', () => openStore());

  test('a breaker opened by one instance is seen by another within the sync interval', async () => {
    const prefix = newPrefix();
    const first = await openStore(prefix);
    const second = await openStore(prefix, 0);
    try {
      const now = 1_700_000_000_000;
      for (let index = 0; index < 3; index++) first.record('p/m', 'failure', contractSettings, now);
      await first.flush();
      // The second instance decides on its local copy and refreshes it in the background.
      await second.acquire('p/m', contractSettings, now + 1);
      await second.flush();
      assert.equal(await second.acquire('p/m', contractSettings, now + 2), 'reject');
      assert.equal((await second.snapshot('p/m', now + 2, contractSettings.windowMs)).state, 'open');
    } finally {
      await first.close();
      await second.close();
    }
  });

  test('after the cooldown exactly one instance gets the probe', async () => {
    const prefix = newPrefix();
    const instances = [await openStore(prefix, 0), await openStore(prefix, 0), await openStore(prefix, 0)];
    try {
      const now = 1_700_000_000_000;
      for (let index = 0; index < 3; index++) instances[0].record('p/m', 'failure', contractSettings, now);
      await instances[0].flush();
      for (const instance of instances.slice(1)) {
        await instance.acquire('p/m', contractSettings, now + 1);
        await instance.flush();
      }
      const later = now + contractSettings.cooldownMs + 1;
      const decisions = await Promise.all(instances.map((instance) => instance.acquire('p/m', contractSettings, later)));
      assert.deepEqual(decisions.filter((decision) => decision === 'probe').length, 1, `decisions: ${decisions.join(', ')}`);
      assert.deepEqual(decisions.filter((decision) => decision === 'reject').length, 2);
    } finally {
      for (const instance of instances) await instance.close();
    }
  });
}
