import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isoTimestamp } from './iso-timestamp.js';

test('isoTimestamp matches Date#toISOString across seconds, milliseconds and fractions', () => {
  const start = Date.UTC(2026, 10, 24, 23, 59, 58, 990);
  for (let offset = 0; offset < 2_500; offset += 0.75) {
    assert.equal(isoTimestamp(start + offset), new Date(start + offset).toISOString());
  }
  for (const instant of [0, 999, 1_000, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.now()]) assert.equal(isoTimestamp(instant), new Date(instant).toISOString());
});
