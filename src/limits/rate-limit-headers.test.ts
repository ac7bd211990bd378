import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatResetDuration, rateLimitHeaders, tightest } from './rate-limit-headers.js';

test('reset durations in OpenAI\'s format', () => {
  assert.deepEqual(
    [0, 20, 999.2, 1000, 1500, 59_999, 360_000, 3_723_000, 86_400_000].map(formatResetDuration),
    ['0s', '20ms', '1000ms', '1s', '1.5s', '59.999s', '6m0s', '1h2m3s', '24h0m0s'],
  );
});

test('the tightest limit is the one with the least left, the smaller limit on a tie', () => {
  const key = { limit: 10, remaining: 9, resetMs: 1 };
  const team = { limit: 20, remaining: 4, resetMs: 2 };
  const route = { limit: 5, remaining: 4, resetMs: 3 };
  assert.equal(tightest([key, team]), team);
  assert.equal(tightest([key, team, route]), route);
  assert.equal(tightest([]), undefined);
});

test('headers: whole numbers, never negative, only for the units that have a limit', () => {
  assert.deepEqual(rateLimitHeaders({ limit: 50, remaining: 12.7, resetMs: 1500 }, undefined), {
    'x-ratelimit-limit-requests': '50',
    'x-ratelimit-remaining-requests': '12',
    'x-ratelimit-reset-requests': '1.5s',
  });
  assert.equal(rateLimitHeaders(undefined, { limit: 1000, remaining: -3, resetMs: 0 })['x-ratelimit-remaining-tokens'], '0');
});
