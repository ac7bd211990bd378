import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calcPrice, findProvider } from '@pydantic/genai-prices';
import { CatalogPrices } from './catalog-prices.js';
import type { TokenCounts } from './normalize-usage.js';

const usages: TokenCounts[] = [
  { prompt: 1234, cached: 200, cacheWrite: 34, completion: 567, total: 1801, reasoning: 0 },
  { prompt: 250_000, cached: 1000, cacheWrite: 0, completion: 4000, total: 254_000, reasoning: 100 },
  { prompt: 7, cached: 0, cacheWrite: 0, completion: 0, total: 7, reasoning: 0 },
  { prompt: 1234, cached: 200, cacheWrite: 34, completion: 567, total: 1801, reasoning: 0 },
];

test('the memoized catalog gives exactly what calcPrice gives, for every model of the main providers', () => {
  const catalog = new CatalogPrices();
  let compared = 0;
  for (const providerId of ['openai', 'anthropic', 'google', 'groq', 'mistral', 'deepseek', 'x-ai', 'azure']) {
    const provider = findProvider({ providerId });
    assert.ok(provider, providerId);
    for (const model of provider.models) {
      for (const tokens of usages) {
        const expected = calcPrice({ input_tokens: tokens.prompt, cache_read_tokens: tokens.cached, cache_write_tokens: tokens.cacheWrite, output_tokens: tokens.completion }, model.id, { providerId });
        const actual = catalog.cost(providerId, model.id, { providerId }, tokens);
        if (!expected) {
          assert.equal(actual, null, `${providerId}/${model.id}`);
          continue;
        }
        assert.ok(actual, `${providerId}/${model.id} priced`);
        const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, a, b);
        assert.ok(close(actual.usd, expected.total_price), `${providerId}/${model.id}: ${actual.usd} vs ${expected.total_price}`);
        assert.ok(close(actual.input_usd, expected.input_price) && close(actual.output_usd, expected.output_price), `${providerId}/${model.id} parts`);
        assert.equal(actual.modelId, expected.model.id);
        compared += 1;
      }
    }
  }
  assert.ok(compared > 500, `compared ${compared} prices`);
});

test('unknown models are remembered as unpriced', () => {
  const catalog = new CatalogPrices();
  const tokens = usages[0];
  assert.equal(catalog.cost('local', 'llama3', { providerApiUrl: 'http://127.0.0.1:11434/v1' }, tokens), null);
  assert.equal(catalog.cost('local', 'llama3', { providerApiUrl: 'http://127.0.0.1:11434/v1' }, tokens), null);
});
