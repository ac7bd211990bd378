import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import { parseCustomCost } from './custom-cost-header.js';

test('a total in USD, bare or named', () => {
  assert.deepEqual(parseCustomCost('0.0125'), { kind: 'total', usd: 0.0125 });
  assert.deepEqual(parseCustomCost(' total=2 '), { kind: 'total', usd: 2 });
});

test('per-token prices per 1M tokens, commas or semicolons', () => {
  assert.deepEqual(parseCustomCost('input=0.5, output=1.5'), { kind: 'prices', prices: { input: 0.5, output: 1.5, cached_input: undefined, cache_write: undefined } });
  assert.deepEqual(parseCustomCost('input=3;output=15;cached_input=0.3;cache_write=3.75'), {
    kind: 'prices',
    prices: { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  });
});

test('malformed values are a 400 naming the header', () => {
  for (const bad of ['-1', 'abc', 'input=0.5', 'total=1, input=2, output=3', 'input=1, output=1e3', 'input=1, output=2, price=3', 'input=1, input=2, output=3', 'total=NaN']) {
    assert.throws(() => parseCustomCost(bad), (error: unknown) => error instanceof InvalidRequestError && error.param === 'x-sluice-custom-cost' && error.status === 400, bad);
  }
});
