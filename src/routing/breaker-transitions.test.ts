import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryBreakerStore } from './breaker-store.js';
import { BreakerEvents, observeBreakerTransitions, type BreakerTransition } from './breaker-transitions.js';

const settings = { failures: 2, errorRate: 0, windowMs: 10_000, minRequests: 1, cooldownMs: 1_000 };

test('state changes made by recorded outcomes are announced: closed → open, and closed again after a probe', async () => {
  const events = new BreakerEvents();
  const seen: BreakerTransition[] = [];
  events.on('transition', (transition) => seen.push(transition));
  const store = observeBreakerTransitions(new MemoryBreakerStore(), events);
  const moves = () => seen.map((transition) => `${transition.from}→${transition.to}`);
  assert.equal(store.kind, 'memory');
  store.record('a/x', 'failure', settings, 100);
  assert.deepEqual(seen, [], 'one failure of two does not open it');
  store.record('a/x', 'failure', settings, 200);
  assert.deepEqual(seen, [{ target: 'a/x', from: 'closed', to: 'open', consecutiveFailures: 2, at: 200 }]);
  assert.equal(await store.acquire('a/x', settings, 500), 'reject');
  assert.equal(await store.acquire('a/x', settings, 1_300), 'probe');
  store.record('a/x', 'failure', settings, 1_400);
  store.record('a/x', 'failure', settings, 1_450);
  assert.deepEqual(moves(), ['closed→open', 'half_open→open'], 'a failure while open changes nothing');
  assert.equal(await store.acquire('a/x', settings, 2_500), 'probe');
  store.record('a/x', 'success', settings, 2_600);
  assert.deepEqual(moves(), ['closed→open', 'half_open→open', 'half_open→closed']);
  assert.equal((await store.snapshot('a/x', 2_600, 10_000)).state, 'closed');
});

test('without listeners nothing is compared, and a throwing listener cannot fail the caller', () => {
  const events = new BreakerEvents();
  const store = observeBreakerTransitions(new MemoryBreakerStore(), events);
  store.record('a/x', 'failure', settings, 1);
  store.record('a/x', 'failure', settings, 2);
  events.on('transition', () => {
    throw new Error('listener bug');
  });
  store.record('b/y', 'failure', settings, 3);
  assert.doesNotThrow(() => store.record('b/y', 'failure', settings, 4));
});
