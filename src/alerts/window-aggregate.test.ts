import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketsPerWindow, latencyBinCount, latencyBinOf, latencyOfBin, WindowAggregate } from './window-aggregate.js';

const start = 1_700_000_000_000;

test('counts requests and errors of the window and forgets what slid out of it', () => {
  const window = new WindowAggregate(60_000, false);
  for (let index = 0; index < 10; index += 1) window.add(start + index * 1_000, index % 2 === 0);
  assert.deepEqual(window.read(start + 10_000), { requests: 10, errors: 5, p95Ms: null });
  // 30 s later the first ones are still inside a 60 s window...
  window.add(start + 40_000, true);
  assert.deepEqual(window.read(start + 40_000), { requests: 11, errors: 6, p95Ms: null });
  // ...and 61 s after the tenth one, only the late one is left.
  const late = window.read(start + 9_000 + 61_000 + 3_000);
  assert.deepEqual(late, { requests: 1, errors: 1, p95Ms: null });
  assert.equal(window.isEmpty(start + 200_000), true);
});

test('a reused slot starts from zero: two laps of the ring never add up', () => {
  const window = new WindowAggregate(20_000, false);
  const bucketMs = 20_000 / bucketsPerWindow;
  window.add(start, true);
  // Exactly one lap later the same slot is reused for a new bucket.
  window.add(start + bucketsPerWindow * bucketMs, false);
  assert.deepEqual(window.read(start + bucketsPerWindow * bucketMs), { requests: 1, errors: 0, p95Ms: null });
});

test('p95 of a known distribution is reported within ±5%', () => {
  const window = new WindowAggregate(60_000, true);
  // 1..1000 ms, shuffled in time within the window: the true p95 is 950 ms.
  for (let latency = 1; latency <= 1000; latency += 1) window.add(start + ((latency * 37) % 50_000), false, latency);
  const { requests, p95Ms } = window.read(start + 50_000);
  assert.equal(requests, 1000);
  assert.ok(p95Ms !== null && Math.abs(p95Ms - 950) / 950 <= 0.05, `p95 ${p95Ms}`);
  // A slow tail moves it: 10% of requests at 5 s.
  for (let index = 0; index < 120; index += 1) window.add(start + 50_000, false, 5_000);
  const tail = window.read(start + 50_000).p95Ms!;
  assert.ok(Math.abs(tail - 5_000) / 5_000 <= 0.05, `p95 with tail ${tail}`);
});

test('latency bins: sub-millisecond in the first, huge ones in the last, each bin within 10%', () => {
  assert.equal(latencyBinOf(0), 0);
  assert.equal(latencyBinOf(0.7), 0);
  assert.equal(latencyBinOf(1e12), latencyBinCount - 1);
  for (const latency of [1.5, 12, 250, 999, 30_000, 300_000]) {
    const representative = latencyOfBin(latencyBinOf(latency));
    assert.ok(Math.abs(representative - latency) / latency <= 0.05 + 1e-9, `${latency} → ${representative}`);
  }
});

test('requests without a latency count as requests but not in the percentile', () => {
  const window = new WindowAggregate(10_000, true);
  window.add(start, false, null);
  assert.deepEqual(window.read(start), { requests: 1, errors: 0, p95Ms: null });
  window.add(start, false, 100);
  assert.ok(Math.abs(window.read(start).p95Ms! - 100) <= 5);
});
