import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatCompletionRequestSchema } from './chat-completion-request.js';
import { isPlainChatRequest } from './is-plain-chat-request.js';

const user = { role: 'user', content: 'Hello' };
const accepted: unknown[] = [
  { model: 'openai/gpt-4o-mini', messages: [user] },
  { model: 'chat', messages: [{ role: 'system', content: 'Be brief.' }, user], stream: true, stream_options: { include_usage: true }, temperature: 0.2, max_tokens: 64, stop: ['\n'], user: 'u-1', seed: 7, metadata: { app: 'x' }, extra_vendor_flag: { nested: [1] } },
  { model: 'm', messages: [{ role: 'developer', content: [{ type: 'text', text: 'rules' }] }, { role: 'user', name: 'ann', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }] }] },
  { model: 'm', messages: [user, { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'call_1', content: 'done' }], n: null, top_p: null, stream: null, reasoning_effort: 'low', parallel_tool_calls: true },
  { model: 'm', messages: [{ role: 'assistant', content: 'hi', refusal: null }, user], logprobs: true, top_logprobs: 2, max_completion_tokens: 10, presence_penalty: -1, frequency_penalty: 1 },
];

/** Each is invalid under the schema: the check must say false so zod words the error. */
const rejectedBySchema: unknown[] = [
  null,
  [],
  'text',
  {},
  { model: '', messages: [user] },
  { model: 1, messages: [user] },
  { model: 'm', messages: [] },
  { model: 'm', messages: {} },
  { model: 'm', messages: [{ role: 'robot', content: 'x' }] },
  { model: 'm', messages: [{ role: 'user' }] },
  { model: 'm', messages: [{ role: 'user', content: 5 }] },
  { model: 'm', messages: [{ role: 'user', content: 'x', name: null }] },
  { model: 'm', messages: [{ role: 'user', content: [{ type: 'text' }] }] },
  { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'u', detail: 'huge' } }] }] },
  { model: 'm', messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'u' } }] }] },
  { model: 'm', messages: [{ role: 'tool', content: 'x' }] },
  { model: 'm', messages: [{ role: 'assistant', content: 'x', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f' } }] }] },
  { model: 'm', messages: [{ role: 'assistant', refusal: 3 }] },
  { model: 'm', messages: [user], stream: 'yes' },
  { model: 'm', messages: [user], stream_options: { include_usage: 'no' } },
  { model: 'm', messages: [user], temperature: '0.2' },
  { model: 'm', messages: [user], max_tokens: 0 },
  { model: 'm', messages: [user], max_tokens: 1.5 },
  { model: 'm', messages: [user], n: -1 },
  { model: 'm', messages: [user], seed: 0.5 },
  { model: 'm', messages: [user], stop: [1] },
  { model: 'm', messages: [user], user: null },
  { model: 'm', messages: [user], parallel_tool_calls: null },
  { model: 'm', messages: [user], metadata: { a: 1 } },
  { model: 'm', messages: [user], tools: [{ type: 'function', function: { name: '' } }] },
  { model: 'm', messages: [user], response_format: { type: 'xml' } },
  { model: 'm', messages: [user], tool_choice: 'sometimes' },
];

test('the cheap check accepts common requests, which the schema accepts unchanged', () => {
  for (const body of accepted) {
    assert.equal(isPlainChatRequest(body), true, JSON.stringify(body));
    const parsed = chatCompletionRequestSchema.safeParse(body);
    assert.equal(parsed.success, true, JSON.stringify(body));
    assert.deepEqual(parsed.data, body);
  }
});

test('the cheap check never accepts what the schema rejects', () => {
  for (const body of rejectedBySchema) {
    assert.equal(chatCompletionRequestSchema.safeParse(body).success, false, `schema should reject ${JSON.stringify(body)}`);
    assert.equal(isPlainChatRequest(body), false, JSON.stringify(body));
  }
});

test('modelled nested parameters (tools, response_format, tool_choice) go to the schema; prototype keys do not confuse it', () => {
  const withTools = { model: 'm', messages: [user], tools: [{ type: 'function', function: { name: 'f' } }] };
  assert.equal(chatCompletionRequestSchema.safeParse(withTools).success, true);
  assert.equal(isPlainChatRequest(withTools), false);
  const prototypeKeys = JSON.parse('{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"a":1},"constructor":1,"toString":2}') as unknown;
  assert.equal(isPlainChatRequest(prototypeKeys), true);
  assert.equal(chatCompletionRequestSchema.safeParse(prototypeKeys).success, true);
});
