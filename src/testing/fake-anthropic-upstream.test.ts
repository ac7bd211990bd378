import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { request as undiciRequest } from 'undici';
import { startFakeAnthropicUpstream, type FakeAnthropicUpstream } from './fake-anthropic-upstream.js';

/** The fake must behave like the real API for real clients: checked with the official SDK. */

let fake: FakeAnthropicUpstream;
const apiKey = 'test-anthropic-key';

before(async () => {
  fake = await startFakeAnthropicUpstream();
});
after(async () => {
  await fake.close();
});

async function post(body: unknown, headers: Record<string, string> = { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' }) {
  const response = await undiciRequest(`${fake.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, body: (await response.body.json()) as { type: string; error?: { type: string; message: string }; content?: Array<{ text?: string }> } };
}

const minimal = { model: 'claude-x', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }] };

test('the official SDK reads a message and a stream from the fake', async () => {
  const client = new Anthropic({ apiKey, baseURL: fake.url, maxRetries: 0 });
  const message = await client.messages.create({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'ping pong' }] });
  assert.deepEqual(message.content, [{ type: 'text', text: 'Echo: ping pong' }]);
  assert.equal(message.stop_reason, 'end_turn');

  const stream = client.messages.stream({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'ping pong' }] });
  let text = '';
  stream.on('text', (piece) => (text += piece));
  const final = await stream.finalMessage();
  assert.equal(text, 'Echo: ping pong');
  assert.equal(final.usage.output_tokens, message.usage.output_tokens);
});

test('the official SDK assembles a streamed tool call and throws a mid-stream error', async () => {
  const client = new Anthropic({ apiKey, baseURL: fake.url, maxRetries: 0 });
  const tools = [{ name: 'lookup', input_schema: { type: 'object' as const, properties: { query: { type: 'string' } } } }];
  const final = await client.messages
    .stream({ model: 'claude-x', max_tokens: 50, tools, tool_choice: { type: 'tool', name: 'lookup' }, messages: [{ role: 'user', content: 'find it' }] })
    .finalMessage();
  assert.equal(final.stop_reason, 'tool_use');
  assert.deepEqual(final.content.map((block) => (block.type === 'tool_use' ? block.input : null)), [{ query: 'sample-query' }]);

  fake.options.streamError = { afterEvents: 3 };
  try {
    await assert.rejects(client.messages.stream({ model: 'claude-x', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }).finalMessage(), /Overloaded/);
  } finally {
    fake.options.streamError = undefined;
  }
});

test('requests the real API rejects get its 400s, in its error shape', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ ...minimal, max_tokens: undefined }, /^max_tokens: Field required$/],
    [{ ...minimal, messages: [] }, /at least one message is required/],
    [{ ...minimal, messages: [{ role: 'system', content: 'Be nice' }, { role: 'user', content: 'Hi' }] }, /Unexpected role "system"/],
    [{ ...minimal, messages: [{ role: 'tool', content: 'x' }] }, /messages\.0\.role: Input should be 'user' or 'assistant'/],
    [{ ...minimal, messages: [{ role: 'user', content: '' }] }, /messages\.0: all messages must have non-empty content/],
    [{ ...minimal, messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] }, { role: 'user', content: 'b' }] }, /`tool_use` ids were found without `tool_result` blocks immediately after: t1/],
  ];
  for (const [body, message] of cases) {
    const { status, body: answer } = await post(body);
    assert.equal(status, 400, String(message));
    assert.equal(answer.type, 'error');
    assert.equal(answer.error?.type, 'invalid_request_error');
    assert.match(answer.error?.message ?? '', message);
  }
});

test('an assistant first message is accepted, as by Anthropic\'s own API', async () => {
  const { status, body } = await post({ ...minimal, messages: [{ role: 'assistant', content: 'How can I help?' }, { role: 'user', content: 'Sky colour' }] });
  assert.equal(status, 200);
  assert.equal(body.content?.[0].text, 'Echo: Sky colour');
});

test('API version 2026-10-21 takes system messages but rejects temperature', async () => {
  const headers = { 'x-api-key': apiKey, 'anthropic-version': '2026-10-21' };
  assert.equal((await post({ ...minimal, messages: [{ role: 'user', content: 'Hi' }, { role: 'system', content: 'Be formal' }] }, headers)).status, 200);
  const rejected = await post({ ...minimal, temperature: 1 }, headers);
  assert.equal(rejected.status, 400);
  assert.equal(rejected.body.error?.message, 'temperature: Extra inputs are not permitted');
});

test('a missing or wrong key is a 401 and a missing version a 400', async () => {
  const noKey = await post(minimal, { 'anthropic-version': '2023-06-01' });
  assert.equal(noKey.status, 401);
  assert.equal(noKey.body.error?.type, 'authentication_error');
  assert.equal((await post(minimal, { 'x-api-key': 'nope', 'anthropic-version': '2023-06-01' })).status, 401);
  const noVersion = await post(minimal, { 'x-api-key': apiKey });
  assert.equal(noVersion.status, 400);
  assert.match(noVersion.body.error?.message ?? '', /anthropic-version/);
});

test('injected failures answer the next N requests, then normal service resumes', async () => {
  fake.failNext(529, undefined, 2);
  const first = await post(minimal);
  const second = await post(minimal);
  const third = await post(minimal);
  assert.deepEqual([first.status, second.status, third.status], [529, 529, 200]);
  assert.equal(first.body.error?.type, 'overloaded_error');
});
