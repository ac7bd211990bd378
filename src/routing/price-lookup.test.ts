import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimatedCost } from './price-lookup.js';
import { priceTableLookup, type CallPricer } from './price-table-lookup.js';

test('per-token prices are read off a price table once per model; unknown models cost +∞', () => {
  let calls = 0;
  const table: CallPricer = {
    cost(call, counts) {
      calls++;
      if (call.qualifiedModel !== 'openai/gpt-4o-mini') return null;
      assert.equal(call.providerName, 'openai');
      assert.equal(call.upstreamModel, 'gpt-4o-mini');
      return { usd: (counts.prompt * 0.15 + counts.completion * 0.6) / 1_000_000 };
    },
  };
  const lookup = priceTableLookup(table);
  assert.deepEqual(lookup.priceOf('openai/gpt-4o-mini'), { input: 0.15, output: 0.6 });
  assert.deepEqual(lookup.priceOf('openai/gpt-4o-mini'), { input: 0.15, output: 0.6 });
  assert.equal(calls, 2, 'the second look-up came from the cache');
  assert.equal(lookup.priceOf('local/llama'), undefined);
  assert.equal(estimatedCost(lookup.priceOf('local/llama'), 100, 100), Number.POSITIVE_INFINITY);
  assert.equal(estimatedCost({ input: 1, output: 2 }, 1_000, 500), 0.002);
});
