import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertMessagesRequest } from './convert-messages-request.js';
import { messagesRequestSchema } from './messages-request-schema.js';

function convert(request: unknown, warnings: string[] = []) {
  return convertMessagesRequest(messagesRequestSchema.parse(request), (warning) => warnings.push(warning));
}

test('images, documents and cache_control become canonical parts the Anthropic adapter maps back', () => {
  const canonical = convert({
    model: 'anthropic/claude',
    max_tokens: 10,
    system: [{ type: 'text', text: 'Rules.', cache_control: { type: 'ephemeral' } }],
    messages: [
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0' } },
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain words' }, title: 'notes.txt' },
          { type: 'text', text: 'Describe.', cache_control: { type: 'ephemeral' } },
        ],
      },
    ],
  });
  assert.deepEqual(canonical.messages[0], { role: 'system', content: [{ type: 'text', text: 'Rules.', cache_control: { type: 'ephemeral' } }] });
  assert.deepEqual(canonical.messages[1], {
    role: 'user',
    content: [
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
      { type: 'file', file: { file_data: `data:text/plain;base64,${Buffer.from('plain words').toString('base64')}`, filename: 'notes.txt' } },
      { type: 'text', text: 'Describe.', cache_control: { type: 'ephemeral' } },
    ],
  });
});

test('assistant thinking blocks are kept for replay; tool errors are marked; tool_choice maps', () => {
  const warnings: string[] = [];
  const canonical = convert(
    {
      model: 'm',
      max_tokens: 10,
      tool_choice: { type: 'tool', name: 'lookup', disable_parallel_tool_use: true },
      tools: [{ name: 'lookup', input_schema: { type: 'object', properties: {} } }],
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [
        { role: 'user', content: 'find it' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should look it up.', signature: 'sig-1' },
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'it' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'not found' }], is_error: true }] },
      ],
    },
    warnings,
  );
  assert.deepEqual(canonical.tool_choice, { type: 'function', function: { name: 'lookup' } });
  assert.equal(canonical.parallel_tool_calls, false);
  assert.deepEqual(canonical.anthropic, { thinking: { type: 'enabled', budget_tokens: 1024 } });
  assert.deepEqual(canonical.messages[1], {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"it"}' } }],
    anthropic: { thinking_blocks: [{ type: 'thinking', thinking: 'I should look it up.', signature: 'sig-1' }] },
  });
  assert.deepEqual(canonical.messages[2], { role: 'tool', tool_call_id: 'toolu_1', content: [{ type: 'text', text: 'Error:' }, { type: 'text', text: 'not found' }] });
  assert.deepEqual(warnings, []);
});

test('what cannot be carried is reported, not dropped silently', () => {
  const warnings: string[] = [];
  const canonical = convert(
    {
      model: 'm',
      max_tokens: 10,
      messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } }, { type: 'text', text: 'Summarise' }] }],
    },
    warnings,
  );
  assert.deepEqual(canonical.messages, [{ role: 'user', content: [{ type: 'text', text: 'Summarise' }] }]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /messages\[0\]\.content\[0\].*URL/);
});

test('the schema names the failing field', () => {
  const result = messagesRequestSchema.safeParse({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] });
  assert.equal(result.success, false);
  assert.deepEqual(result.error!.issues[0].path, ['messages', 0, 'content']);
});
