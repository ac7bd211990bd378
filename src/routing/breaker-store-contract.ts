import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BreakerSettings } from './breaker-state.js';
import type { BreakerStore } from './breaker-store.js';

export const contractSettings: BreakerSettings = { failures: 3, errorRate: 0.5, windowMs: 10_000, minRequests: 10, cooldownMs: 5_000 };

/**
 * The behaviour every BreakerStore must have (DESIGN.md §2.5: one suite for both
 * implementations). `open` returns a fresh store on an empty keyspace.
 */
export function describeBreakerContract(name: string, open: () => Promise<BreakerStore>): void {
  describe(`${name}: circuit breaker contract`, () => {
    const start = 1_700_000_000_000;

    test('opens after N consecutive failures, rejects during the cooldown, then lets one probe through', async () => {
      const store = await open();
      try {
        const s = contractSettings;
        for (let index = 0; index < 2; index++) store.record('p/m', 'failure', s, start + index);
        await store.flush();
        assert.equal(await store.acquire('p/m', s, start + 10), 'allow', 'two failures are below the threshold');
        store.record('p/m', 'failure', s, start + 20);
        await store.flush();
        assert.equal(await store.acquire('p/m', s, start + 30), 'reject');
        assert.equal((await store.snapshot('p/m', start + 30, s.windowMs)).state, 'open');
        assert.equal(await store.acquire('p/m', s, start + 20 + s.cooldownMs - 1), 'reject', 'still cooling down');
        assert.equal(await store.acquire('p/m', s, start + 20 + s.cooldownMs), 'probe');
        assert.equal(await store.acquire('p/m', s, start + 20 + s.cooldownMs + 1), 'reject', 'only one probe at a time');
        assert.equal((await store.snapshot('p/m', start + 20 + s.cooldownMs + 1, s.windowMs)).state, 'half_open');
      } finally {
        await store.close();
      }
    });

    test('a successful probe closes the breaker and forgets the old failures', async () => {
      const store = await open();
      try {
        const s = contractSettings;
        for (let index = 0; index < 3; index++) store.record('p/m', 'failure', s, start);
        await store.flush();
        const later = start + s.cooldownMs;
        assert.equal(await store.acquire('p/m', s, later), 'probe');
        store.record('p/m', 'success', s, later + 5);
        await store.flush();
        const snapshot = await store.snapshot('p/m', later + 6, s.windowMs);
        assert.equal(snapshot.state, 'closed');
        assert.equal(snapshot.consecutiveFailures, 0);
        assert.equal(await store.acquire('p/m', s, later + 6), 'allow');
        // Two more failures do not re-open it: the count started over.
        store.record('p/m', 'failure', s, later + 7);
        store.record('p/m', 'failure', s, later + 8);
        await store.flush();
        assert.equal(await store.acquire('p/m', s, later + 9), 'allow');
      } finally {
        await store.close();
      }
    });

    test('a failed probe re-opens the breaker for another cooldown', async () => {
      const store = await open();
      try {
        const s = contractSettings;
        for (let index = 0; index < 3; index++) store.record('p/m', 'failure', s, start);
        await store.flush();
        const probeAt = start + s.cooldownMs;
        assert.equal(await store.acquire('p/m', s, probeAt), 'probe');
        store.record('p/m', 'failure', s, probeAt + 100);
        await store.flush();
        assert.equal(await store.acquire('p/m', s, probeAt + 200), 'reject');
        assert.equal(await store.acquire('p/m', s, probeAt + 100 + s.cooldownMs), 'probe');
      } finally {
        await store.close();
      }
    });

    test('an error rate over the window opens it even without N failures in a row', async () => {
      const store = await open();
      try {
        const s = contractSettings;
        // Alternating success/failure: never 3 failures in a row, but half of 10 requests failed.
        for (let index = 0; index < 10; index++) store.record('p/m', index % 2 ? 'failure' : 'success', s, start + index);
        await store.flush();
        assert.equal(await store.acquire('p/m', s, start + 20), 'reject');
        const snapshot = await store.snapshot('p/m', start + 20, s.windowMs);
        assert.equal(snapshot.errorRate, 0.5);
      } finally {
        await store.close();
      }
    });

    test('below min_requests the error rate does not count', async () => {
      const store = await open();
      try {
        const s = contractSettings;
        for (let index = 0; index < 8; index++) store.record('p/m', index % 2 ? 'failure' : 'success', s, start + index);
        await store.flush();
        assert.equal(await store.acquire('p/m', s, start + 20), 'allow');
      } finally {
        await store.close();
      }
    });

    test('failures age out of the sliding window', async () => {
      const store = await open();
      try {
        const s = { ...contractSettings, failures: 100 };
        const windowStart = Math.ceil(start / s.windowMs) * s.windowMs;
        for (let index = 0; index < 9; index++) store.record('p/m', 'failure', s, windowStart + index);
        await store.flush();
        // Two windows later the old failures weigh nothing: one more failure is 1 of 1, below min_requests.
        store.record('p/m', 'failure', s, windowStart + 2 * s.windowMs + 1);
        await store.flush();
        assert.equal(await store.acquire('p/m', s, windowStart + 2 * s.windowMs + 2), 'allow');
        const snapshot = await store.snapshot('p/m', windowStart + 2 * s.windowMs + 2, s.windowMs);
        assert.ok(snapshot.windowRequests < 2, `window requests ${snapshot.windowRequests}`);
      } finally {
        await store.close();
      }
    });

    test('targets have breakers of their own', async () => {
      const store = await open();
      try {
        const s = contractSettings;
        for (let index = 0; index < 3; index++) store.record('p/bad', 'failure', s, start);
        await store.flush();
        assert.equal(await store.acquire('p/bad', s, start + 1), 'reject');
        assert.equal(await store.acquire('p/good', s, start + 1), 'allow');
        assert.equal((await store.snapshot('p/good', start + 1, s.windowMs)).state, 'closed');
      } finally {
        await store.close();
      }
    });
  });
}
