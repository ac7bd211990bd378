import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletion, ChatCompletionChunk } from '../schema/chat-completion-response.js';
import { chatChunkFrame, chatStreamEnd } from '../server/write-chat-stream.js';
import { chunksFromCompletion, completionFromChunks, isCacheable, renderedStream } from './replay-chat.js';

const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
const completion: ChatCompletion = {
  id: 'chatcmpl-1', object: 'chat.completion', created: 7, model: 'gpt-4o-mini', system_fingerprint: 'fp',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello world' }, finish_reason: 'stop', logprobs: null }],
  usage,
};

test('JSON → stream → JSON gives the same answer back', () => {
  const chunks = [...chunksFromCompletion(completion)];
  assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk' && chunk.id === 'chatcmpl-1'));
  assert.deepEqual(chunks.at(-1), { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 7, model: 'gpt-4o-mini', system_fingerprint: 'fp', choices: [], usage });
  const back = completionFromChunks(chunks);
  assert.deepEqual(back, { ...completion, choices: [{ ...completion.choices[0], message: { role: 'assistant', content: 'hello world' } }] });
});

test('tool calls split over chunks are reassembled', () => {
  const base = { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
  const chunks: ChatCompletionChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get', arguments: '' } }] }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
  ];
  const assembled = completionFromChunks(chunks)!;
  assert.deepEqual(assembled.choices[0].message.tool_calls, [{ id: 'call_1', type: 'function', function: { name: 'get', arguments: '{"a":1}' } }]);
  assert.equal(assembled.choices[0].message.content, null);
  const replayed = completionFromChunks([...chunksFromCompletion(assembled)]);
  assert.deepEqual(replayed?.choices[0].message.tool_calls, assembled.choices[0].message.tool_calls);
});

test('an unfinished stream or a filtered answer is not cacheable', () => {
  const base = { id: 'c', object: 'chat.completion.chunk' as const, created: 1, model: 'm' };
  assert.equal(completionFromChunks([{ ...base, choices: [{ index: 0, delta: { content: 'half' }, finish_reason: null }] }]), undefined);
  assert.equal(completionFromChunks([]), undefined);
  assert.equal(isCacheable({ ...completion, choices: [{ ...completion.choices[0], finish_reason: 'content_filter' }] }), false);
  assert.equal(isCacheable(completion), true);
});

test('the rendered replay is the frames the chunk-by-chunk writer makes, rendered once per answer and usage choice', () => {
  for (const includeUsage of [false, true]) {
    const framewise = [...chunksFromCompletion(completion)].map((chunk) => chatChunkFrame(chunk, includeUsage) ?? '').join('') + chatStreamEnd;
    const rendered = renderedStream(completion, includeUsage);
    assert.equal(rendered.toString('utf8'), framewise);
    assert.equal(renderedStream(completion, includeUsage), rendered, 'the same bytes, not rendered again');
  }
  assert.doesNotMatch(renderedStream(completion, false).toString(), /"usage"/);
  assert.match(renderedStream(completion, true).toString(), /"choices":\[\],"usage"/);
});
