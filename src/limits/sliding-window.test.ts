import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fits, fullResetMs, slidingUsage, waitUntilFits } from './sliding-window.js';

const minute = 60_000;

test('the estimate weighs the previous window by its remaining overlap', () => {
  assert.equal(slidingUsage({ previous: 0, current: 7 }, minute, 30_000), 7);
  assert.equal(slidingUsage({ previous: 40, current: 10 }, minute, 15_000), 40); // 40 * 0.75 + 10
  assert.equal(slidingUsage({ previous: 40, current: 10 }, minute, 45_000), 20); // 40 * 0.25 + 10
});

test('fits: requests must fit whole; token limits also refuse once spent', () => {
  assert.equal(fits(49, 1, 50, false), true);
  assert.equal(fits(50, 1, 50, false), false);
  assert.equal(fits(100, 0, 100, false), true);
  assert.equal(fits(100, 0, 100, true), false);
  assert.equal(fits(99.5, 0, 100, true), true);
});

test('waitUntilFits: 0 when it fits, else exactly when the estimate has decayed enough', () => {
  assert.equal(waitUntilFits({ previous: 0, current: 10 }, 1, 50, minute, 0), 0);
  // previous 60 must decay to 39 (50 - 10 current - 1), which it did at 21 s: at 30 s it fits.
  assert.equal(waitUntilFits({ previous: 60, current: 10 }, 1, 50, minute, 30_000), 0);
  // previous 60, current 0, at 0 s: needs previous * (1 - x/60) <= 49 → x = 11 s.
  assert.equal(waitUntilFits({ previous: 60, current: 0 }, 1, 50, minute, 0), 11_000);
  const counts = { previous: 60, current: 0 };
  const wait = waitUntilFits(counts, 1, 50, minute, 0);
  assert.equal(fits(slidingUsage(counts, minute, wait), 1, 50, false), true);
  assert.equal(fits(slidingUsage(counts, minute, wait - 100), 1, 50, false), false);
});

test('waitUntilFits past the window: the current bucket has to decay as the previous one', () => {
  // current 50 of 50 at 20 s: after the roll (40 s) the old current decays; 1 fits when
  // 50 * (1 - y/60) <= 49 → y = 1.2 s.
  assert.equal(waitUntilFits({ previous: 0, current: 50 }, 1, 50, minute, 20_000), 41_200);
  assert.equal(waitUntilFits({ previous: 0, current: 10 }, 200, 100, minute, 0), Infinity);
});

test('fullResetMs: when nothing is counted any more', () => {
  assert.equal(fullResetMs({ previous: 0, current: 0 }, minute, 10_000), 0);
  assert.equal(fullResetMs({ previous: 5, current: 0 }, minute, 10_000), 50_000);
  assert.equal(fullResetMs({ previous: 5, current: 1 }, minute, 10_000), 110_000);
});
