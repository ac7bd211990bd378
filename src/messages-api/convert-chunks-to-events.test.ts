import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionChunk } from '../schema/chat-completion-response.js';
import { convertChunksToEvents, type AnthropicStreamEvent } from './convert-chunks-to-events.js';
import { convertCompletionToMessage } from './convert-completion-to-message.js';

function chunk(delta: ChatCompletionChunk['choices'][0]['delta'], finishReason: ChatCompletionChunk['choices'][0]['finish_reason'] = null): ChatCompletionChunk {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-x', choices: [{ index: 0, delta, finish_reason: finishReason }] };
}

async function collect(chunks: ChatCompletionChunk[]): Promise<AnthropicStreamEvent[]> {
  async function* source() {
    yield* chunks;
  }
  const events: AnthropicStreamEvent[] = [];
  for await (const event of convertChunksToEvents(source(), 'requested')) events.push(event);
  return events;
}

test('thinking, text and two tool calls become separate blocks in order; usage arrives in message_delta', async () => {
  const events = await collect([
    chunk({ role: 'assistant', reasoning_content: 'Hmm.' }),
    chunk({ anthropic: { thinking_blocks: [{ type: 'thinking', thinking: 'Hmm.', signature: 'sig' }] } }),
    chunk({ content: 'Checking' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'one', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'two', arguments: '{}' } }] }),
    chunk({}, 'tool_calls'),
    { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-x', choices: [], usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120, prompt_tokens_details: { cached_tokens: 60, cache_write_tokens: 10 } } },
  ]);
  assert.deepEqual(
    events.map((event) => `${event.type}${'index' in event ? `#${String(event.index)}` : ''}`),
    [
      'message_start',
      'content_block_start#0', 'content_block_delta#0', 'content_block_delta#0', 'content_block_stop#0',
      'content_block_start#1', 'content_block_delta#1', 'content_block_stop#1',
      'content_block_start#2', 'content_block_delta#2', 'content_block_stop#2',
      'content_block_start#3', 'content_block_delta#3', 'content_block_stop#3',
      'message_delta', 'message_stop',
    ],
  );
  assert.deepEqual(events[3], { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } });
  assert.deepEqual(events[8], { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_a', name: 'one', input: {} } });
  assert.deepEqual(events[9], { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{"x":1}' } });
  assert.deepEqual(events.at(-2), {
    type: 'message_delta',
    delta: { stop_reason: 'tool_use', stop_sequence: null },
    usage: { input_tokens: 30, output_tokens: 20, cache_creation_input_tokens: 10, cache_read_input_tokens: 60 },
  });
});

test('an empty stream produces no events; a JSON completion maps stop reasons and ids', async () => {
  assert.deepEqual(await collect([]), []);
  const message = convertCompletionToMessage({
    id: 'chatcmpl-9',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-x',
    choices: [{ index: 0, message: { role: 'assistant', content: 'cut', anthropic: { stop_sequence: 'END' } }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
  });
  assert.equal(message.id, 'msg_chatcmpl-9');
  assert.equal(message.stop_reason, 'stop_sequence');
  assert.equal(message.stop_sequence, 'END');
  assert.deepEqual(message.usage, { input_tokens: 5, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  const long = convertCompletionToMessage({ id: 'msg_1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'a' }, finish_reason: 'length' }] });
  assert.equal(long.id, 'msg_1');
  assert.equal(long.stop_reason, 'max_tokens');
});
