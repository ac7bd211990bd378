import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatCompletionRequestSchema } from '../../schema/chat-completion-request.js';
import { InvalidRequestError } from '../../errors/gateway-errors.js';
import { convertMessages } from './convert-messages.js';

/** Parses the messages like the gateway's edge does, then converts them, collecting warnings. */
function convert(request: { messages: unknown[] }) {
  const warnings: string[] = [];
  const parsed = chatCompletionRequestSchema.parse({ model: 'claude-sonnet-4-5', ...request });
  const converted = convertMessages(parsed.messages, (message) => warnings.push(message));
  return { body: converted, warnings };
}

const hello = [{ role: 'user', content: 'Hello' }];

test('system and developer messages become the top-level system prompt', () => {
  const single = convert({ messages: [{ role: 'system', content: 'Be brief.' }, ...hello] });
  assert.equal(single.body.system, 'Be brief.');
  assert.deepEqual(single.body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);

  const several = convert({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      ...hello,
    ],
  });
  assert.deepEqual(several.body.system, [
    { type: 'text', text: 'Be brief.' },
    { type: 'text', text: 'Answer in French.' },
  ]);
  assert.deepEqual(several.warnings, []);
});

test('a cache_control on a system part is kept, so the system prompt stays a block list', () => {
  const { body } = convert({
    messages: [{ role: 'system', content: [{ type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral' } }] }, ...hello],
  });
  assert.deepEqual(body.system, [{ type: 'text', text: 'Long rules', cache_control: { type: 'ephemeral' } }]);
});

test('a system message in the middle of the conversation is hoisted with a warning', () => {
  const { body, warnings } = convert({
    messages: [...hello, { role: 'assistant', content: 'Hi' }, { role: 'system', content: 'Now be formal.' }, { role: 'user', content: 'Go on' }],
  });
  assert.equal(body.system, 'Now be formal.');
  assert.equal(body.messages.length, 3);
  assert.match(warnings.join('\n'), /messages\[2\].*moved to the top-level system prompt/);
});

test('consecutive messages of the same role are merged into one turn', () => {
  const { body } = convert({
    messages: [
      { role: 'user', content: 'First' },
      { role: 'user', content: [{ type: 'text', text: 'Second' }] },
      { role: 'assistant', content: 'A' },
      { role: 'assistant', content: 'B' },
      { role: 'user', content: 'Third' },
    ],
  });
  assert.deepEqual(body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'First' }, { type: 'text', text: 'Second' }] },
    { role: 'assistant', content: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B' }] },
    { role: 'user', content: [{ type: 'text', text: 'Third' }] },
  ]);
});

test('assistant tool calls become tool_use blocks and tool messages user tool_result blocks', () => {
  const { body, warnings } = convert({
    messages: [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome","units":{"temp":"C"}}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: [{ type: 'text', text: '24C' }] },
      { role: 'user', content: 'Thanks, which is warmer?' },
    ],
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(body.messages, [
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Checking.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome', units: { temp: 'C' } } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
        { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: '24C' }] },
        { type: 'text', text: 'Thanks, which is warmer?' },
      ],
    },
  ]);
});

test('tool results are put before user text merged into the same turn', () => {
  const { body } = convert({
    messages: [
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '' } }] },
      { role: 'user', content: 'Also this' },
      { role: 'tool', tool_call_id: 't1', content: 'done' },
    ],
  });
  assert.deepEqual(body.messages[1].content, [{ type: 'tool_use', id: 't1', name: 'f', input: {} }]);
  assert.deepEqual(body.messages[2].content, [
    { type: 'tool_result', tool_use_id: 't1', content: 'done' },
    { type: 'text', text: 'Also this' },
  ]);
});

test('invalid tool call arguments are a 400 naming the field', () => {
  const call = (args: string) => () =>
    convert({
      messages: [...hello, { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: args } }] }],
    });
  for (const [args, reason] of [['{"city": Par', /not valid JSON/], ['[1,2]', /must be a JSON object/]] as const) {
    assert.throws(call(args), (error: unknown) => {
      assert.ok(error instanceof InvalidRequestError);
      assert.equal(error.status, 400);
      assert.equal(error.param, 'messages[1].tool_calls[0].function.arguments');
      assert.match(error.message, /messages\[1\]\.tool_calls\[0\]\.function\.arguments/);
      assert.match(error.message, reason);
      return true;
    });
  }
});

test('image parts: data: URLs become base64 sources, http(s) URLs url sources, PDFs documents', () => {
  const { body, warnings } = convert({
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Compare' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'data:image/jpg;base64,/9j/4AAQ' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'high' } },
          { type: 'image_url', image_url: { url: 'data:application/pdf;base64,JVBERi0=' } },
        ],
      },
    ],
  });
  assert.deepEqual(body.messages[0].content, [
    { type: 'text', text: 'Compare' },
    { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
    { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
    { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
  ]);
  assert.match(warnings.join('\n'), /content\[3\]\.image_url\.detail "high"/);
});

test('image URLs that Anthropic cannot take are a 400 naming the part', () => {
  for (const url of ['data:image/png,rawbytes', 'ftp://example.com/cat.png']) {
    assert.throws(
      () => convert({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] }),
      (error: unknown) => error instanceof InvalidRequestError && error.param === 'messages[0].content[0].image_url.url',
    );
  }
});

test('audio parts and unresolvable files are warned about and not sent; PDF files are documents', () => {
  const { body, warnings } = convert({
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Listen' },
          { type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } },
          { type: 'file', file: { file_id: 'file-abc' } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
        ],
      },
    ],
  });
  assert.deepEqual(body.messages[0].content, [
    { type: 'text', text: 'Listen' },
    { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
  ]);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /messages\[0\]\.content\[1\].*audio/);
  assert.match(warnings[1], /messages\[0\]\.content\[2\].*file-abc/);
});

test('thinking blocks returned earlier are replayed first in the assistant turn', () => {
  const thinking = { type: 'thinking', thinking: '925 divided by 5 = 185', signature: 'Er4BCkYICxgC' };
  const { body, warnings } = convert({
    messages: [
      ...hello,
      { role: 'assistant', content: '185', reasoning_content: '925 divided by 5 = 185', anthropic: { thinking_blocks: [thinking] } },
      { role: 'user', content: 'And times 2?' },
    ],
  });
  assert.deepEqual(body.messages[1].content, [thinking, { type: 'text', text: '185' }]);
  assert.deepEqual(warnings, []);

  const unsigned = convert({ messages: [...hello, { role: 'assistant', content: '185', reasoning_content: 'because' }, { role: 'user', content: 'ok' }] });
  assert.match(unsigned.warnings[0], /messages\[1\]\.reasoning_content cannot be replayed/);
});

test('a message left without content is reported and not sent', () => {
  const { body, warnings } = convert({ messages: [...hello, { role: 'assistant', content: '' }, { role: 'user', content: 'Again' }] });
  assert.deepEqual(body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'text', text: 'Again' }] }]);
  assert.match(warnings[0], /messages\[1\]: the assistant message has no content/);
});
