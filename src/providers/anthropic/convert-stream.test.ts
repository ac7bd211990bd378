import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderResponseError, UpstreamUnavailableError } from '../../errors/gateway-errors.js';
import { parseServerSentEvents, type ServerSentEvent } from '../../http/parse-server-sent-events.js';
import type { ChatCompletionChunk, ToolCallDelta } from '../../schema/chat-completion-response.js';
import { readFixture } from '../../testing/read-fixture.js';
import { convertStream, type ConvertStreamOptions } from './convert-stream.js';

/** A `.chunks.txt` fixture holds only data payloads: rebuild the SSE events with their names. */
function fixtureEvents(name: string): ServerSentEvent[] {
  return readFixture(`anthropic/${name}`)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ event: (JSON.parse(line) as { type: string }).type, data: line }));
}

async function* fromArray<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function collect(events: AsyncIterable<ServerSentEvent> | ServerSentEvent[], options: Partial<ConvertStreamOptions> = {}): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  const source = Array.isArray(events) ? fromArray(events) : events;
  for await (const chunk of convertStream(source, { provider: 'anthropic', ...options })) chunks.push(chunk);
  return chunks;
}

/** What a client assembling the stream ends up with. */
function assemble(chunks: ChatCompletionChunk[]) {
  let content = '';
  let reasoning = '';
  let refusal: string | undefined;
  const finishReasons: string[] = [];
  const thinkingBlocks: unknown[] = [];
  const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      const { delta } = choice;
      if (typeof delta.content === 'string') content += delta.content;
      if (typeof delta.reasoning_content === 'string') reasoning += delta.reasoning_content;
      if (typeof delta.refusal === 'string') refusal = delta.refusal;
      const extras = delta.anthropic as { thinking_blocks?: unknown[] } | undefined;
      if (extras?.thinking_blocks) thinkingBlocks.push(...extras.thinking_blocks);
      for (const call of (delta.tool_calls ?? []) as ToolCallDelta[]) {
        const entry = calls.get(call.index) ?? { arguments: '' };
        if (call.id) entry.id = call.id;
        if (call.function?.name) entry.name = call.function.name;
        entry.arguments += call.function?.arguments ?? '';
        calls.set(call.index, entry);
      }
      if (choice.finish_reason) finishReasons.push(choice.finish_reason);
    }
  }
  const last = chunks[chunks.length - 1];
  return { content, reasoning, refusal, finishReasons, thinkingBlocks, calls, usageChunk: last };
}

test('a text stream: role first, text deltas, stop, then a usage chunk with message_delta totals', async () => {
  const chunks = await collect(fixtureEvents('anthropic-text.chunks.txt'), { now: () => 1_700_000_000 });
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
  for (const chunk of chunks) {
    assert.equal(chunk.id, 'msg_01QC4g3HwBThD4BaNtBckFDJ');
    assert.equal(chunk.model, 'claude-sonnet-4-5-20250929');
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.created, 1_700_000_000);
  }
  const result = assemble(chunks);
  assert.equal(result.content, "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
  assert.deepEqual(result.finishReasons, ['stop']);
  assert.deepEqual(result.usageChunk.choices, []);
  // message_start said output_tokens 1; message_delta's final 30 wins.
  assert.deepEqual(result.usageChunk.usage, {
    prompt_tokens: 12,
    completion_tokens: 30,
    total_tokens: 42,
    prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
  });
});

test('a raw SSE stream with event: lines parses and converts the same way', async () => {
  const body = readFixture('anthropic/basic_response.txt');
  const result = assemble(await collect(parseServerSentEvents(fromArray([body.slice(0, 100), body.slice(100)]))));
  assert.equal(result.content, 'Hello there!');
  assert.equal(result.usageChunk.usage?.prompt_tokens, 11);
  assert.equal(result.usageChunk.usage?.completion_tokens, 6);
});

test('a tool without arguments: index 0 although it is content block 1, and arguments "{}"', async () => {
  const chunks = await collect(fixtureEvents('anthropic-tool-no-args.chunks.txt'));
  const result = assemble(chunks);
  assert.equal(result.content, "I'll update the issue list for you.");
  assert.deepEqual([...result.calls.entries()], [[0, { id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' }]]);
  const start = chunks.find((chunk) => chunk.choices[0]?.delta.tool_calls?.[0]?.id);
  assert.deepEqual(start?.choices[0].delta.tool_calls, [
    { index: 0, id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', type: 'function', function: { name: 'updateIssueList', arguments: '' } },
  ]);
  assert.deepEqual(result.finishReasons, ['tool_calls']);
  assert.equal(result.usageChunk.usage?.prompt_tokens, 565);
  assert.equal(result.usageChunk.usage?.completion_tokens, 48);
});

test('tool arguments are assembled from input_json_delta pieces', async () => {
  const result = assemble(await collect(fixtureEvents('anthropic-json-other-tool.1.chunks.txt')));
  assert.equal(result.calls.get(0)?.name, 'weather');
  assert.equal(result.calls.get(0)?.arguments, '{"location": "San Francisco"}');
  assert.equal(result.content, '');
  assert.deepEqual(result.finishReasons, ['tool_calls']);

  const raw = assemble(await collect(parseServerSentEvents(fromArray([readFixture('anthropic/tool_use_response.txt')]))));
  assert.equal(raw.content, "I'll check the current weather in Paris for you.");
  assert.deepEqual([...raw.calls.entries()], [[0, { id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', name: 'get_weather', arguments: '{"location": "Paris"}' }]]);
});

test('the JSON-mode tool streams as content and finishes with stop', async () => {
  const result = assemble(await collect(fixtureEvents('anthropic-json-other-tool.1.chunks.txt'), { jsonResponseToolName: 'weather' }));
  assert.equal(result.content, '{"location": "San Francisco"}');
  assert.equal(result.calls.size, 0);
  assert.deepEqual(result.finishReasons, ['stop']);
});

test('input tokens corrected in message_delta win over message_start', async () => {
  const result = assemble(await collect(fixtureEvents('anthropic-message-delta-input-tokens.chunks.txt')));
  assert.equal(result.content, 'pong');
  assert.equal(result.usageChunk.usage?.prompt_tokens, 61);
  assert.equal(result.usageChunk.usage?.completion_tokens, 2);
});

test('a refusal ends with content_filter and the refusal explanation', async () => {
  const chunks = await collect(fixtureEvents('anthropic-refusal.chunks.txt'));
  const result = assemble(chunks);
  assert.equal(result.content, '');
  assert.deepEqual(result.finishReasons, ['content_filter']);
  assert.match(result.refusal ?? '', /^This request triggered restrictions on violative cyber content/);
  const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
  assert.equal((finish?.choices[0].delta.anthropic as { stop_details: { category: string } }).stop_details.category, 'cyber');
  assert.equal(result.usageChunk.usage?.prompt_tokens, 18);
  assert.equal(result.usageChunk.usage?.completion_tokens, 5);
});

test('thinking streams as reasoning_content, then the signed block once', async () => {
  const events = fixtureEvents('anthropic-clear-thinking.1.chunks.txt');
  const signature = (JSON.parse(events.find((event) => event.data.includes('signature_delta'))!.data) as { delta: { signature: string } }).delta.signature;
  const result = assemble(await collect(events));
  const expectedThinking = 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185';
  assert.equal(result.reasoning, expectedThinking);
  assert.deepEqual(result.thinkingBlocks, [{ type: 'thinking', thinking: expectedThinking, signature }]);
  assert.equal(result.content, '925 ÷ 5 = 185');
  assert.equal(result.usageChunk.usage?.prompt_tokens, 69);
  assert.equal(result.usageChunk.usage?.completion_tokens, 53);
});

test('server tool blocks are not client tool calls; cache usage comes from message_delta', async () => {
  const result = assemble(await collect(fixtureEvents('anthropic-code-execution-20260120-prompt-cache.1.chunks.txt')));
  assert.equal(result.calls.size, 0);
  assert.equal(result.content, 'The sum of the squares of the numbers 1 through 12 is **650**.');
  assert.deepEqual(result.finishReasons, ['stop']);
  // message_start: input 2, cache write 3068, read 0; message_delta: 6, 3337, 6289.
  assert.deepEqual(result.usageChunk.usage, {
    prompt_tokens: 6 + 3337 + 6289,
    completion_tokens: 198,
    total_tokens: 6 + 3337 + 6289 + 198,
    prompt_tokens_details: { cached_tokens: 6289, cache_write_tokens: 3337 },
    completion_tokens_details: { reasoning_tokens: 0 },
  });
});

test('an error event is thrown from the iterator with the provider message', async () => {
  const events = fixtureEvents('anthropic-text.chunks.txt').slice(0, 4);
  events.push({ event: 'error', data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' });
  const seen: ChatCompletionChunk[] = [];
  await assert.rejects(
    async () => {
      for await (const chunk of convertStream(fromArray(events), { provider: 'claude' })) seen.push(chunk);
    },
    (error: unknown) => {
      assert.ok(error instanceof ProviderResponseError);
      assert.equal(error.upstreamStatus, 529);
      assert.equal(error.status, 502);
      assert.equal(error.message, 'claude: Overloaded');
      return true;
    },
  );
  assert.equal(assemble(seen).content, 'Hello', 'chunks before the error were delivered');
});

test('a stream cut before message_stop, or with a non-JSON event, is an upstream failure', async () => {
  const cut = fixtureEvents('anthropic-text.chunks.txt').slice(0, 6);
  await assert.rejects(collect(cut), (error: unknown) => error instanceof UpstreamUnavailableError && /before message_stop/.test(error.message));
  await assert.rejects(collect([{ event: 'message_start', data: '{not json' }]), UpstreamUnavailableError);
});
