import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeLimitBackendContract } from './limit-backend-contract.js';
import { MemoryLimitBackend } from './memory-limit-backend.js';
import { slidingUsage, waitUntilFits } from './sliding-window.js';

describeLimitBackendContract('memory', async () => new MemoryLimitBackend());

/** A backend on a clock the test moves. */
function clocked(startMs: number) {
  const clock = { now: startMs };
  return { clock, backend: new MemoryLimitBackend(() => clock.now) };
}

const rpm = (limit: number) => ({ windows: [{ key: 'k', windowMs: 60_000, limit, cost: 1, refuseWhenSpent: false }], concurrency: [], budgets: [], leaseId: 'l' });

test('the window slides: last minute\'s requests count less as it recedes', async () => {
  const { clock, backend } = clocked(Date.UTC(2026, 0, 1, 12, 0, 0));
  for (let index = 0; index < 10; index += 1) assert.equal((await backend.acquire(rpm(10))).allowed, true);
  assert.equal((await backend.acquire(rpm(10))).allowed, false);
  // Next minute, 30 s in: the 10 previous requests weigh 5.
  clock.now += 90_000;
  const results = [];
  for (let index = 0; index < 6; index += 1) results.push((await backend.acquire(rpm(10))).allowed);
  assert.deepEqual(results, [true, true, true, true, true, false]);
  // Two minutes later nothing of it counts.
  clock.now += 120_000;
  assert.deepEqual((await backend.acquire(rpm(10))).windows[0], { previous: 0, current: 1 });
  await backend.close();
});

test('retry-after computed from the counts is when the request really fits again', async () => {
  const { clock, backend } = clocked(Date.UTC(2026, 0, 1, 12, 0, 20));
  for (let index = 0; index < 50; index += 1) await backend.acquire(rpm(50));
  const refused = await backend.acquire(rpm(50));
  assert.equal(refused.allowed, false);
  const wait = waitUntilFits(refused.windows[0], 1, 50, 60_000, 20_000);
  assert.equal(wait, 41_200);
  clock.now += wait - 50;
  assert.equal((await backend.acquire(rpm(50))).allowed, false, 'not before');
  clock.now += 50;
  assert.equal((await backend.acquire(rpm(50))).allowed, true, 'but at that time');
  assert.equal(slidingUsage({ previous: 50, current: 0 }, 60_000, 1_200), 49);
  await backend.close();
});

test('spend expires with its period and seeded spend adds to what is counted', async () => {
  const { clock, backend } = clocked(1_000_000);
  backend.seedSpend(new Map([['s', { amountUsd: 2, expireAtMs: 2_000_000 }]]));
  await backend.settle({ leaseId: 'l', corrections: [], releases: [], spend: [{ key: 's', amountUsd: 1, expireAtMs: 2_000_000 }] });
  assert.deepEqual(await backend.readSpend(['s']), [3]);
  clock.now = 2_000_000;
  assert.deepEqual(await backend.readSpend(['s']), [0]);
  await backend.close();
});
