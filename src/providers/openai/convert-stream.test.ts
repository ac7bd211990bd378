import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertStream } from './convert-stream.js';
import { readFixture } from '../../testing/read-fixture.js';
import type { ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import { ProviderResponseError } from '../../errors/gateway-errors.js';

async function convertLines(lines: string[]): Promise<ChatCompletionChunk[]> {
  async function* events() {
    for (const data of lines) yield { event: undefined, data };
  }
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of convertStream('openai', events())) chunks.push(chunk);
  return chunks;
}

function fixtureLines(path: string): string[] {
  return readFixture(path).split('\n').filter((line) => line.trim() !== '');
}

test('OpenAI stream: text assembles and the final usage chunk survives', async () => {
  const lines = fixtureLines('openai/openai-text.chunks.txt');
  const chunks = await convertLines([...lines, '[DONE]']);
  assert.equal(chunks.length, lines.length);
  const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
  const expected = lines.map((line) => JSON.parse(line).choices[0]?.delta?.content ?? '').join('');
  assert.equal(text, expected);
  assert.ok(text.length > 100);
  const last = chunks.at(-1)!;
  assert.deepEqual(last.choices, []);
  assert.equal(last.usage!.total_tokens, JSON.parse(lines.at(-1)!).usage.total_tokens);
});

test('Azure: the leading prompt_filter_results chunk without choices is skipped', async () => {
  const lines = fixtureLines('openai/azure-model-router.1.chunks.txt');
  assert.deepEqual(JSON.parse(lines[0]).choices, []);
  const chunks = await convertLines(lines);
  assert.equal(chunks.length, lines.length - 1);
  assert.equal(chunks.at(-1)!.usage!.completion_tokens_details!.reasoning_tokens, 64);
});

test('DeepSeek/Groq: tool-call deltas pass through keyed by index, usage on the finish chunk', async () => {
  for (const path of ['openai-compatible/deepseek-tool-call.chunks.txt', 'openai-compatible/groq-tool-call.chunks.txt']) {
    const chunks = await convertLines(fixtureLines(path));
    const argumentsText = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []).map((call) => call.function?.arguments ?? '').join('');
    assert.doesNotThrow(() => JSON.parse(argumentsText), `${path}: ${argumentsText}`);
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason === 'tool_calls');
    assert.ok(finish?.usage, `${path} has usage on the finish chunk`);
  }
});

test('an error event mid-stream throws the provider message', async () => {
  const first = fixtureLines('openai/openai-text.chunks.txt')[0];
  await assert.rejects(
    convertLines([first, '{"error":{"message":"The server had an error","type":"server_error"}}']),
    (error: unknown) => error instanceof ProviderResponseError && /The server had an error/.test(error.message) && error.status === 502,
  );
});
