import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../config/load-config.js';
import type { TokenCounts } from './normalize-usage.js';
import { PriceTable, type PricedCall } from './price-table.js';

/**
 * Prices asserted here are the vendors' published list prices (USD per 1M tokens), each with
 * its source; the built-in table (@pydantic/genai-prices) must reproduce them.
 */
const table = new PriceTable(
  validateConfig({
    providers: {
      openai: { type: 'openai' },
      anthropic: { type: 'anthropic' },
      gemini: { type: 'gemini' },
      groq: { type: 'openai', base_url: 'https://api.groq.com/openai/v1' },
      azure: { type: 'azure-openai', base_url: 'https://example.openai.azure.com' },
      local: { type: 'openai', base_url: 'http://127.0.0.1:11434/v1' },
      tuned: { type: 'openai', base_url: 'http://127.0.0.1:8000/v1' },
    },
    pricing: {
      'local/llama3': { input: 0, output: 0 },
      'openai/gpt-4o-mini': { input: 1, output: 2 },
      'tuned/*': { input: 2, output: 4, cached_input: 1 },
    },
  }),
);
const catalogOnly = new PriceTable(validateConfig({ providers: { openai: { type: 'openai' } } }));

const tokens = (prompt: number, completion: number, cached = 0, cacheWrite = 0): TokenCounts => ({ prompt, completion, total: prompt + completion, cached, cacheWrite, reasoning: 0 });
const call = (qualifiedModel: string, reportedModel?: string): PricedCall => {
  const [providerName, upstreamModel] = qualifiedModel.split('/');
  return { providerName, qualifiedModel, upstreamModel, reportedModel };
};
const close = (actual: number | undefined, expected: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);

test('OpenAI gpt-4o-mini: $0.15 input, $0.075 cached input, $0.60 output (openai.com/api/pricing)', () => {
  const cost = catalogOnly.cost(call('openai/gpt-4o-mini'), tokens(1000, 500, 200));
  close(cost?.usd, (800 * 0.15 + 200 * 0.075 + 500 * 0.6) / 1e6);
  assert.equal(cost?.source, 'catalog');
  // The dated snapshot the API reports is priced as its model.
  close(catalogOnly.cost(call('openai/gpt-4o-mini', 'gpt-4o-mini-2024-07-18'), tokens(1e6, 0))?.usd, 0.15);
});

test('OpenAI gpt-4o: $2.50 input, $10.00 output (openai.com/api/pricing); Azure prices the reported model', () => {
  close(catalogOnly.cost(call('openai/gpt-4o'), tokens(1e6, 1e6))?.usd, 12.5);
  close(table.cost(call('azure/my-deployment', 'gpt-4o-2024-08-06'), tokens(1e6, 1e6))?.usd, 12.5);
});

test('Anthropic claude-3-5-haiku: $0.80 input, $1 cache write, $0.08 cache hit, $4 output (docs.anthropic.com pricing)', () => {
  const cost = table.cost(call('anthropic/claude-3-5-haiku-latest', 'claude-3-5-haiku-20241022'), tokens(10_000, 1000, 4000, 2000));
  close(cost?.usd, (4000 * 0.8 + 4000 * 0.08 + 2000 * 1 + 1000 * 4) / 1e6);
});

test('Anthropic claude-sonnet-4-5 over 200k prompt tokens: $6 input, $22.50 output (docs.anthropic.com long-context pricing)', () => {
  close(table.cost(call('anthropic/claude-sonnet-4-5'), tokens(250_000, 1000))?.usd, 250_000 * 6e-6 + 1000 * 22.5e-6);
  close(table.cost(call('anthropic/claude-sonnet-4-5'), tokens(100_000, 1000))?.usd, 100_000 * 3e-6 + 1000 * 15e-6);
});

test('Google gemini-2.5-flash: $0.30 input, $2.50 output incl. thinking (ai.google.dev/gemini-api/docs/pricing)', () => {
  close(table.cost(call('gemini/gemini-2.5-flash'), tokens(1e6, 1e6))?.usd, 2.8);
});

test('Groq by its API URL: llama-3.3-70b-versatile $0.59 input, $0.79 output (groq.com/pricing)', () => {
  close(table.cost(call('groq/llama-3.3-70b-versatile'), tokens(1e6, 1e6))?.usd, 1.38);
});

test('an unknown server or model has no price: null, never a guess', () => {
  assert.equal(table.cost(call('local/gpt-4o'), tokens(1000, 1000)), null, 'a local server serving a name the table knows');
  assert.equal(catalogOnly.cost(call('openai/no-such-model'), tokens(1000, 1000)), null);
});

test('pricing overrides win over the table: exact provider/model, then provider/*', () => {
  const free = table.cost(call('local/llama3'), tokens(1000, 1000));
  assert.deepEqual(free, { usd: 0, input_usd: 0, output_usd: 0, source: 'pricing', model: 'local/llama3' });
  close(table.cost(call('openai/gpt-4o-mini'), tokens(1e6, 1e6))?.usd, 3);
  close(table.cost(call('tuned/any-model'), tokens(1e6, 1e6, 5e5))?.usd, 0.5 * 2 + 0.5 * 1 + 4);
});

test('the caller\'s custom cost: a total as given, or its prices', () => {
  assert.deepEqual(table.cost(call('local/x'), tokens(10, 10), { kind: 'total', usd: 0.25 }), { usd: 0.25, input_usd: null, output_usd: null, source: 'header', model: 'local/x' });
  close(table.cost(call('openai/gpt-4o'), tokens(1e6, 1e6), { kind: 'prices', prices: { input: 0.5, output: 1.5 } })?.usd, 2);
});
