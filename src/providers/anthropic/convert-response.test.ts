import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readChunkFixture, readJsonFixture } from '../../testing/read-fixture.js';
import { convertResponse } from './convert-response.js';
import type { Message, MessageDeltaEvent, Usage } from './wire-types.js';

const fixture = (name: string) => readJsonFixture<Message>(`anthropic/${name}`);
const now = () => 1_700_000_000;

test('a text message becomes a chat.completion with its text, stop and usage', () => {
  const completion = convertResponse(fixture('anthropic-text.json'), { now });
  assert.equal(completion.id, 'msg_01VdEjxAP5ahtHKrrRdNBteQ');
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.created, 1_700_000_000);
  assert.equal(completion.model, 'claude-sonnet-4-5-20250929');
  assert.equal(completion.choices.length, 1);
  const [choice] = completion.choices;
  assert.equal(choice.finish_reason, 'stop');
  assert.equal(choice.message.role, 'assistant');
  assert.equal(choice.message.content, "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?");
  assert.equal(choice.message.tool_calls, undefined);
  assert.deepEqual(completion.usage, {
    prompt_tokens: 12,
    completion_tokens: 29,
    total_tokens: 41,
    prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
  });
});

test('a tool_use block becomes a tool call with the tool_use id and stringified input', () => {
  const completion = convertResponse(fixture('anthropic-tool-no-args.json'));
  const [choice] = completion.choices;
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.match(String(choice.message.content), /^<thinking>\nThe updateIssueList tool.*Okay, I will update the current issue list:$/s);
  assert.deepEqual(choice.message.tool_calls, [
    { id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', type: 'function', function: { name: 'updateIssueList', arguments: '{}' } },
  ]);
  assert.equal(completion.usage?.prompt_tokens, 602);
  assert.equal(completion.usage?.completion_tokens, 93);
});

test('a tool call with arguments and no text has null content', () => {
  const [choice] = convertResponse(fixture('anthropic-json-other-tool.1.json'), { jsonResponseToolName: 'json' }).choices;
  assert.equal(choice.message.content, null);
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls?.[0].id, 'toolu_01PQjhxo3eirCdKNvCJrKc8f');
  assert.deepEqual(JSON.parse(choice.message.tool_calls?.[0].function.arguments ?? ''), { location: 'San Francisco' });
});

test('the JSON-mode tool call comes back as content text with finish_reason stop', () => {
  // The recorded call is to "weather"; naming it the JSON tool shows how a `json` call is treated.
  const [choice] = convertResponse(fixture('anthropic-json-other-tool.1.json'), { jsonResponseToolName: 'weather' }).choices;
  assert.equal(choice.message.content, '{"location":"San Francisco"}');
  assert.equal(choice.message.tool_calls, undefined);
  assert.equal(choice.finish_reason, 'stop');
});

test('thinking goes to reasoning_content and, with its signature, to anthropic.thinking_blocks', () => {
  const message = fixture('anthropic-clear-thinking.1.json');
  const [choice] = convertResponse(message).choices;
  assert.equal(choice.message.content, '925 ÷ 5 = 185');
  assert.equal(choice.message.reasoning_content, '925 divided by 5 = 185');
  const signature = (message.content[0] as { signature: string }).signature;
  assert.ok(signature.startsWith('Er4BCkYICxgC'));
  assert.deepEqual(choice.message.anthropic, { thinking_blocks: [{ type: 'thinking', thinking: '925 divided by 5 = 185', signature }] });
});

test('cache reads and writes count as prompt tokens and are reported apart', () => {
  // Usage totals recorded in the prompt-cache stream's message_delta.
  const deltaLine = readChunkFixture<{ type: string }>('anthropic/anthropic-code-execution-20260120-prompt-cache.1.chunks.txt').find(
    (event) => event.type === 'message_delta',
  ) as MessageDeltaEvent;
  const message: Message = { ...fixture('anthropic-text.json'), usage: deltaLine.usage as Usage };
  const usage = convertResponse(message).usage;
  assert.equal(usage?.prompt_tokens, 6 + 6289 + 3337);
  assert.equal(usage?.completion_tokens, 198);
  assert.equal(usage?.total_tokens, 6 + 6289 + 3337 + 198);
  assert.deepEqual(usage?.prompt_tokens_details, { cached_tokens: 6289, cache_write_tokens: 3337 });
  assert.deepEqual(usage?.completion_tokens_details, { reasoning_tokens: 0 });
});

test('a refusal maps to content_filter and keeps the stop details', () => {
  const delta = readChunkFixture<{ type: string }>('anthropic/anthropic-refusal.chunks.txt').find((event) => event.type === 'message_delta') as MessageDeltaEvent;
  const message: Message = {
    ...fixture('anthropic-text.json'),
    content: [],
    stop_reason: delta.delta.stop_reason,
    stop_details: delta.delta.stop_details,
  };
  const [choice] = convertResponse(message).choices;
  assert.equal(choice.finish_reason, 'content_filter');
  assert.equal(choice.message.content, '');
  assert.match(String(choice.message.refusal), /violative cyber content/);
  assert.equal((choice.message.anthropic as { stop_details: { category: string } }).stop_details.category, 'cyber');
});
