import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readChunkFixture, readJsonFixture } from '../testing/read-fixture.js';
import type { ChatCompletion, ChatCompletionChunk } from '../schema/chat-completion-response.js';
import { countEmbeddingTokens, estimateRequestTokens } from './estimate-tokens.js';
import { completionText } from './stream-usage-observer.js';
import { loadTokenizer } from './tokenizer.js';

test('the tokenizer matches what OpenAI billed for recorded gpt-4.1-nano completions (o200k)', async () => {
  const count = await loadTokenizer();
  const chunks = readChunkFixture<ChatCompletionChunk>('openai/openai-text.chunks.txt');
  const streamed = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  assert.equal(count(streamed), chunks.at(-1)!.usage!.completion_tokens, 'openai-text.chunks.txt: 300 tokens');
  const completion = readJsonFixture<ChatCompletion>('openai/openai-text.json');
  // OpenAI counts one more token than the visible text (the end of the message).
  assert.ok(Math.abs(count(completionText(completion)) - completion.usage!.completion_tokens) <= 1);
});

test('a request estimate is prompt + max_tokens for every choice, and grows with tools', async () => {
  const base = { model: 'm', messages: [{ role: 'user' as const, content: 'Hello there, how are you?' }] };
  const prompt = await estimateRequestTokens(base);
  assert.ok(prompt >= 10 && prompt <= 20, `prompt ${prompt}`);
  assert.equal(await estimateRequestTokens({ ...base, max_tokens: 100 }), prompt + 100);
  assert.equal(await estimateRequestTokens({ ...base, max_completion_tokens: 50, max_tokens: 100, n: 3 }), prompt + 150);
  const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  assert.ok((await estimateRequestTokens({ ...base, tools })) > prompt + 10);
});

test('embedding input: strings are tokenized, token arrays counted as they are', async () => {
  const count = await loadTokenizer();
  assert.equal(countEmbeddingTokens(count, { model: 'e', input: 'hello world' }), 2);
  assert.equal(countEmbeddingTokens(count, { model: 'e', input: ['hello world', 'hello'] }), 3);
  assert.equal(countEmbeddingTokens(count, { model: 'e', input: [[1, 2, 3], [4]] }), 4);
});
