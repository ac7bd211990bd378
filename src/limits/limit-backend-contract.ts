import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import type { AcquireRequest, LimitBackend } from './limit-backend.js';

/**
 * The behaviour every limit backend must have, registered as node:test tests (DESIGN.md §2.5:
 * one suite, both implementations). Keys get a random prefix per test, so runs sharing one
 * Redis never see each other's counters. Nothing here depends on controlling the clock.
 */
export function describeLimitBackendContract(name: string, open: () => Promise<LimitBackend>): void {
  describe(`${name}: limit backend contract`, () => {
    const fresh = () => `test:${randomBytes(6).toString('hex')}:`;
    let leases = 0;
    const request = (prefix: string, overrides: Partial<AcquireRequest> = {}): AcquireRequest => ({
      windows: [{ key: `${prefix}rpm`, windowMs: 60_000, limit: 5, cost: 1, refuseWhenSpent: false }],
      concurrency: [],
      budgets: [],
      leaseId: `lease-${++leases}`,
      ...overrides,
    });

    const withBackend = (title: string, body: (backend: LimitBackend, prefix: string) => Promise<void>) =>
      test(title, async () => {
        const backend = await open();
        try {
          await body(backend, fresh());
        } finally {
          await backend.close();
        }
      });

    withBackend('a request limit lets exactly `limit` requests through and reports the counts', async (backend, prefix) => {
      const results = [];
      for (let index = 0; index < 7; index += 1) results.push(await backend.acquire(request(prefix)));
      assert.deepEqual(results.map((result) => result.allowed), [true, true, true, true, true, false, false]);
      assert.equal(results[4].windows[0].current, 5, 'counts include the request when allowed');
      assert.equal(results[5].windows[0].current, 5, 'a refused request is not counted');
      assert.ok(Math.abs(results[0].nowMs - Date.now()) < 5_000, 'nowMs is a wall clock in ms');
    });

    withBackend('200 concurrent acquires against a limit of 50: exactly 50 pass', async (backend, prefix) => {
      const check = { key: `${prefix}rpm`, windowMs: 60_000, limit: 50, cost: 1, refuseWhenSpent: false };
      const results = await Promise.all(Array.from({ length: 200 }, () => backend.acquire(request(prefix, { windows: [check] }))));
      assert.equal(results.filter((result) => result.allowed).length, 50);
    });

    withBackend('all or nothing: one failing rule leaves every other counter untouched', async (backend, prefix) => {
      const roomy = { key: `${prefix}roomy`, windowMs: 60_000, limit: 100, cost: 1, refuseWhenSpent: false };
      const tight = { key: `${prefix}tight`, windowMs: 60_000, limit: 1, cost: 1, refuseWhenSpent: false };
      const slot = { key: `${prefix}parallel`, limit: 10 };
      assert.equal((await backend.acquire(request(prefix, { windows: [tight] }))).allowed, true);
      const refused = await backend.acquire(request(prefix, { windows: [roomy, tight], concurrency: [slot] }));
      assert.equal(refused.allowed, false);
      const after = await backend.acquire(request(prefix, { windows: [roomy], concurrency: [slot] }));
      assert.equal(after.windows[0].current, 1, 'the refused request did not count on the roomy rule');
      assert.equal(after.inFlight[0], 1, 'nor take an in-flight slot');
    });

    withBackend('in-flight slots are taken at acquire and freed at settle', async (backend, prefix) => {
      const slot = { key: `${prefix}parallel`, limit: 2 };
      const first = request(prefix, { windows: [], concurrency: [slot] });
      const second = request(prefix, { windows: [], concurrency: [slot] });
      assert.equal((await backend.acquire(first)).allowed, true);
      assert.deepEqual((await backend.acquire(second)).inFlight, [2]);
      const third = await backend.acquire(request(prefix, { windows: [], concurrency: [slot] }));
      assert.equal(third.allowed, false);
      assert.deepEqual(third.inFlight, [2]);
      await backend.settle({ leaseId: first.leaseId, corrections: [], releases: [slot.key], spend: [] });
      assert.equal((await backend.acquire(request(prefix, { windows: [], concurrency: [slot] }))).allowed, true);
    });

    withBackend('token corrections move the estimate to the real count, never below zero', async (backend, prefix) => {
      const tokens = { key: `${prefix}tpm`, windowMs: 60_000, limit: 1000, cost: 600, refuseWhenSpent: true };
      const first = await backend.acquire(request(prefix, { windows: [tokens] }));
      assert.equal(first.allowed, true);
      assert.equal((await backend.acquire(request(prefix, { windows: [tokens] }))).allowed, false, '600 + 600 > 1000');
      await backend.settle({ leaseId: 'x', corrections: [{ key: tokens.key, windowMs: 60_000, acquiredAtMs: first.nowMs, delta: -580 }], releases: [], spend: [] });
      const second = await backend.acquire(request(prefix, { windows: [tokens] }));
      assert.equal(second.allowed, true, 'after reconciling to 20 real tokens the next estimate fits');
      assert.equal(second.windows[0].current, 620);
      await backend.settle({ leaseId: 'y', corrections: [{ key: tokens.key, windowMs: 60_000, acquiredAtMs: second.nowMs, delta: -5000 }], releases: [], spend: [] });
      const probe = await backend.acquire(request(prefix, { windows: [{ ...tokens, cost: 0 }] }));
      assert.equal(probe.windows[0].current, 0);
    });

    withBackend('a spent token window refuses even a request estimated at 0 tokens', async (backend, prefix) => {
      const tokens = { key: `${prefix}tpm`, windowMs: 60_000, limit: 100, cost: 100, refuseWhenSpent: true };
      assert.equal((await backend.acquire(request(prefix, { windows: [tokens] }))).allowed, true);
      assert.equal((await backend.acquire(request(prefix, { windows: [{ ...tokens, cost: 0 }] }))).allowed, false);
    });

    withBackend('spend adds up per key, is read back, and stops a budget once reached', async (backend, prefix) => {
      const key = `${prefix}spend`;
      const budget = { key, limit: 0.01 };
      const expireAtMs = Date.now() + 3_600_000;
      assert.deepEqual((await backend.acquire(request(prefix, { windows: [], budgets: [budget] }))).spend, [0]);
      const settled = await backend.settle({ leaseId: 'a', corrections: [], releases: [], spend: [{ key, amountUsd: 0.004, expireAtMs }, { key: `${key}2`, amountUsd: 0.5, expireAtMs }] });
      assert.ok(Math.abs(settled.spendAfter[0] - 0.004) < 1e-12);
      const again = await backend.settle({ leaseId: 'b', corrections: [], releases: [], spend: [{ key, amountUsd: 0.0000001, expireAtMs }] });
      assert.ok(Math.abs(again.spendAfter[0] - 0.0040001) < 1e-12, 'tiny amounts are not lost');
      assert.equal((await backend.acquire(request(prefix, { windows: [], budgets: [budget] }))).allowed, true);
      await backend.settle({ leaseId: 'c', corrections: [], releases: [], spend: [{ key, amountUsd: 0.006, expireAtMs }] });
      const refused = await backend.acquire(request(prefix, { windows: [], budgets: [budget] }));
      assert.equal(refused.allowed, false);
      assert.ok(refused.spend[0] >= 0.01);
      const [spent, other, none] = await backend.readSpend([key, `${key}2`, `${prefix}never`]);
      assert.ok(Math.abs(spent - 0.0100001) < 1e-9);
      assert.equal(other, 0.5);
      assert.equal(none, 0);
    });
  });
}
