import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomHex } from './random-hex.js';

test('random hex ids have the asked length and do not repeat across pool refills', () => {
  const seen = new Set<string>();
  for (let index = 0; index < 2_000; index++) {
    const id = randomHex(16);
    assert.match(id, /^[0-9a-f]{32}$/);
    assert.ok(!seen.has(id), 'an id repeated');
    seen.add(id);
  }
  assert.match(randomHex(8), /^[0-9a-f]{16}$/);
});
