import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin } from '../admin/admin-test-client.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import { readFixture, readJsonFixture } from '../testing/read-fixture.js';
import { fixtureEvents, startFixtureReplayUpstream, type FixtureReplayUpstream } from './fixture-replay-upstream.js';

/**
 * Counting accuracy per provider format, streaming included: recorded provider responses are
 * replayed through the gateway and the usage it records must equal what the provider reported,
 * mapped as documented (OpenAI's prompt_tokens include cached and cache-written tokens;
 * Anthropic's input_tokens exclude them; Gemini's completion includes thoughts).
 */
let upstream: FixtureReplayUpstream;
let gateway: RunningGateway;

before(async () => {
  upstream = await startFixtureReplayUpstream();
  const url = upstream.controls.url;
  gateway = await startTestGateway({
    admin: { token: 'test-admin-token' },
    providers: {
      openai: { type: 'openai', base_url: `${url}/v1` },
      anthropic: { type: 'anthropic', base_url: url, api_key: 'k' },
      gemini: { type: 'gemini', base_url: url, api_key: 'k' },
    },
    pricing: { 'anthropic/cache-stream': { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 } },
  });
});

after(async () => {
  await gateway.close();
  await upstream.controls.close();
});

async function chat(model: string, stream: boolean): Promise<string> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream, max_tokens: 100, messages: [{ role: 'user', content: 'How many r are in strawberry?' }] }),
  });
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return text;
}

interface Row {
  group: string;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cached_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  unpriced_requests: number;
  estimated_requests: number;
}

/**
 * The usage row of a model. Usage is settled after the answer went out (a finisher), and an
 * estimate may first wait for the tokenizer's tables to load, so the row is polled for briefly.
 */
async function usageOf(model: string): Promise<Row> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const reply = await admin(gateway, 'GET', '/usage?group_by=model');
    assert.equal(reply.status, 200, reply.text);
    const row = (reply.json.data as Row[]).find((entry) => entry.group === model);
    if (row) return row;
    assert.ok(Date.now() < deadline, `a usage row for ${model}: ${reply.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const lastUsage = (path: string) => JSON.parse(fixtureEvents(path).at(-1)!).usage;

test('OpenAI stream: the final usage chunk is counted though the client did not ask for it', async () => {
  upstream.answer({ events: fixtureEvents('openai/openai-text.chunks.txt') });
  const body = await chat('openai/text-stream', true);
  assert.ok(!body.includes('"choices":[]'), 'the usage chunk was stripped for the client');
  const usage = lastUsage('openai/openai-text.chunks.txt');
  const row = await usageOf('openai/text-stream');
  assert.deepEqual(
    [row.requests, row.prompt_tokens, row.completion_tokens, row.total_tokens, row.estimated_requests],
    [1, usage.prompt_tokens, usage.completion_tokens, usage.total_tokens, 0],
  );
});

test('Azure OpenAI stream: reasoning tokens; DeepSeek: cached and reasoning tokens', async () => {
  upstream.answer({ events: fixtureEvents('openai/azure-model-router.1.chunks.txt') });
  await chat('openai/azure-stream', true);
  const azure = lastUsage('openai/azure-model-router.1.chunks.txt');
  const azureRow = await usageOf('openai/azure-stream');
  assert.equal(azureRow.reasoning_tokens, 64);
  assert.equal(azureRow.completion_tokens, azure.completion_tokens);

  const deepseek = readJsonFixture<{ usage: { prompt_tokens: number; completion_tokens: number } }>('openai-compatible/deepseek-tool-call.json');
  upstream.answer({ json: deepseek });
  await chat('openai/deepseek-json', false);
  const row = await usageOf('openai/deepseek-json');
  assert.deepEqual([row.prompt_tokens, row.cached_tokens, row.reasoning_tokens, row.completion_tokens], [deepseek.usage.prompt_tokens, 320, 48, deepseek.usage.completion_tokens]);
});

test('Groq stream: usage on the finish chunk itself is counted', async () => {
  upstream.answer({ events: fixtureEvents('openai-compatible/groq-tool-call.chunks.txt') });
  await chat('openai/groq-stream', true);
  const finish = fixtureEvents('openai-compatible/groq-tool-call.chunks.txt').map((line) => JSON.parse(line)).find((chunk) => chunk.usage);
  const row = await usageOf('openai/groq-stream');
  assert.deepEqual([row.prompt_tokens, row.completion_tokens], [finish.usage.prompt_tokens, finish.usage.completion_tokens]);
});

test('OpenAI JSON with prompt caching: cached tokens of the prompt', async () => {
  const wrapper = readJsonFixture<{ attempts: Array<{ rawResponseBody: unknown }> }>('openai/openai-chat-cached-input-tokens-11178.json');
  upstream.answer({ json: wrapper.attempts[1].rawResponseBody });
  await chat('openai/cached-json', false);
  const row = await usageOf('openai/cached-json');
  assert.deepEqual([row.prompt_tokens, row.cached_tokens], [10122, 9984]);
});

test('Anthropic stream with prompt caching: message_delta totals, cache reads and writes apart, priced at their rates', async () => {
  const path = 'anthropic/anthropic-code-execution-20260120-prompt-cache.1.chunks.txt';
  upstream.answer({ events: fixtureEvents(path) });
  await chat('anthropic/cache-stream', true);
  // message_delta: input 6, cache_creation 3337, cache_read 6289, output 198 (test/fixtures/README.md).
  const row = await usageOf('anthropic/cache-stream');
  assert.deepEqual(
    [row.prompt_tokens, row.cached_tokens, row.cache_write_tokens, row.completion_tokens, row.total_tokens],
    [6 + 3337 + 6289, 6289, 3337, 198, 6 + 3337 + 6289 + 198],
  );
  // pricing override: input 3, cached_input 0.3, cache_write 3.75, output 15 per 1M tokens.
  const expected = (6 * 3 + 6289 * 0.3 + 3337 * 3.75 + 198 * 15) / 1e6;
  assert.ok(Math.abs(row.cost_usd - expected) < 1e-12, `${row.cost_usd} vs ${expected}`);
});

test('Anthropic JSON and Gemini stream and JSON', async () => {
  upstream.answer({ json: readJsonFixture('anthropic/anthropic-text.json') });
  await chat('anthropic/text-json', false);
  const anthropicUsage = readJsonFixture<{ usage: { input_tokens: number; output_tokens: number } }>('anthropic/anthropic-text.json').usage;
  const anthropicRow = await usageOf('anthropic/text-json');
  assert.deepEqual([anthropicRow.prompt_tokens, anthropicRow.completion_tokens], [anthropicUsage.input_tokens, anthropicUsage.output_tokens]);

  upstream.answer({ events: fixtureEvents('gemini/google-text.chunks.txt') });
  await chat('gemini/text-stream', true);
  // The last usageMetadata: prompt 9, candidates 23, thoughts 185, total 217.
  const geminiRow = await usageOf('gemini/text-stream');
  assert.deepEqual([geminiRow.prompt_tokens, geminiRow.completion_tokens, geminiRow.reasoning_tokens, geminiRow.total_tokens], [9, 23 + 185, 185, 217]);

  const recording = readJsonFixture<{ interactions: Array<{ response: { bodySegments: Array<{ usageMetadata: Record<string, number> }> } }> }>(
    'gemini/Client_Tests_generateContent_ML_Dev_should_generate_content_with_given_valid_json_schema_in_responseSchema.json',
  );
  const body = recording.interactions[0].response.bodySegments[0];
  upstream.answer({ json: body });
  await chat('gemini/cached-json', false);
  const cachedRow = await usageOf('gemini/cached-json');
  assert.deepEqual([cachedRow.prompt_tokens, cachedRow.cached_tokens], [body.usageMetadata.promptTokenCount, 3]);
});

test('a stream without usage is estimated with the tokenizer and marked as estimated', async () => {
  const raw = readFixture('openai-compatible/anthropic-fallback-tool-call.sse');
  const events = raw.split('\n').filter((line) => line.startsWith('data: ') && line !== 'data: [DONE]').map((line) => line.slice(6));
  upstream.answer({ events });
  await chat('openai/no-usage', true);
  const row = await usageOf('openai/no-usage');
  assert.equal(row.estimated_requests, 1);
  assert.ok(row.prompt_tokens > 10 && row.prompt_tokens < 40, `prompt estimate ${row.prompt_tokens}`);
  assert.ok(row.completion_tokens > 5, `completion estimate ${row.completion_tokens}`);
  assert.equal(row.unpriced_requests, 1, 'an unknown server gets no price, not a guess');
});
