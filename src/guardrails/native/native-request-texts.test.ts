import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyNativeEndpoint } from './native-endpoint.js';
import { collectNativeRequestTexts } from './native-request-texts.js';

const byRole = (format: Parameters<typeof collectNativeRequestTexts>[0], body: unknown) =>
  collectNativeRequestTexts(format, body)!.texts.map((item) => `${item.role}:${item.text}`);

test('native endpoints are recognised by provider type, method and path ending', () => {
  const query = new URLSearchParams();
  assert.deepEqual(classifyNativeEndpoint('openai', 'POST', '/chat/completions', query), { request: 'openai-chat', answer: 'openai-chat' });
  assert.deepEqual(classifyNativeEndpoint('azure-openai', 'POST', '/openai/deployments/gpt4/chat/completions', query), { request: 'openai-chat', answer: 'openai-chat' });
  assert.deepEqual(classifyNativeEndpoint('openai', 'POST', '/responses', query), { request: 'openai-responses', answer: 'unreadable' });
  assert.deepEqual(classifyNativeEndpoint('anthropic', 'POST', '/v1/messages/count_tokens', query), { request: 'anthropic-messages', answer: 'none' });
  assert.deepEqual(classifyNativeEndpoint('gemini', 'POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent', new URLSearchParams('alt=sse')), { request: 'gemini-contents', answer: 'gemini-response' });
  assert.equal(classifyNativeEndpoint('gemini', 'POST', '/v1beta/models/gemini-2.5-flash:streamGenerateContent', query).answer, 'unreadable');
  assert.deepEqual(classifyNativeEndpoint('openai', 'GET', '/models', query), { request: undefined, answer: 'none' });
  assert.deepEqual(classifyNativeEndpoint('openai', 'POST', '/audio/transcriptions', query), { request: undefined, answer: 'unreadable' });
  assert.deepEqual(classifyNativeEndpoint('anthropic', 'GET', '/v1/files/abc/content', query), { request: undefined, answer: 'unreadable' });
});

test('each native format yields its texts by role, and rewrites land where they were read', () => {
  assert.deepEqual(byRole('openai-chat', { messages: [{ role: 'system', content: 's' }, { role: 'function', name: 'f', content: 'r' }, { role: 'assistant', content: null, tool_calls: [{ id: '1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] }] }), [
    'system:s', 'tool:r', 'assistant:{"a":1}',
  ]);
  assert.deepEqual(byRole('openai-responses', { instructions: 'i', input: [{ role: 'user', content: [{ type: 'input_text', text: 'u' }, { type: 'input_image', image_url: 'x' }] }, { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c', output: 'o' }, { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'a' }] }] }), [
    'system:i', 'user:u', 'assistant:{}', 'tool:o', 'assistant:a',
  ]);
  assert.deepEqual(byRole('anthropic-messages', { system: 'sys', messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }, { type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'res' }] }, { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc' } }] }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'th', signature: 'sig' }, { type: 'tool_use', id: 't', name: 'f', input: { city: 'Paris', tags: ['a'] } }] }] }), [
    'system:sys', 'user:q', 'tool:res', 'user:doc', 'assistant:Paris', 'assistant:a',
  ]);
  assert.deepEqual(byRole('gemini-contents', { system_instruction: { parts: [{ text: 'sys' }] }, contents: [{ role: 'user', parts: [{ text: 'q' }, { inlineData: { data: 'AAAA' } }] }, { role: 'model', parts: [{ functionCall: { name: 'f', args: { q: 'x' } } }] }, { role: 'user', parts: [{ functionResponse: { name: 'f', response: { out: 'y' } } }] }] }), [
    'system:sys', 'user:q', 'assistant:x', 'tool:y',
  ]);
  assert.deepEqual(byRole('gemini-contents', { generateContentRequest: { model: 'models/m', contents: [{ parts: [{ text: 'counted' }] }] } }), ['user:counted']);
  assert.deepEqual(byRole('gemini-batch-embed', { requests: [{ model: 'models/e', content: { parts: [{ text: 'one' }] } }, { content: { parts: [{ text: 'two' }] } }] }), ['user:one', 'user:two']);
  assert.deepEqual(byRole('openai-embeddings', { input: ['a', 'b'] }), ['user:a', 'user:b']);
  assert.deepEqual(byRole('openai-embeddings', { input: [1, 2, 3] }), []);

  const body = { system: [{ type: 'text', text: 'keep' }], messages: [{ role: 'user', content: 'secret here' }] };
  const read = collectNativeRequestTexts('anthropic-messages', body)!;
  read.texts[1].text = '[SECRET_1] here';
  read.texts[1].changed = true;
  assert.deepEqual(read.rebuild(), { system: [{ type: 'text', text: 'keep' }], messages: [{ role: 'user', content: '[SECRET_1] here' }] });
  assert.equal(collectNativeRequestTexts('openai-chat', { messages: 'nope' }), undefined, 'a body of the wrong shape is unreadable');
  assert.equal(collectNativeRequestTexts('gemini-contents', ['not', 'an', 'object']), undefined);
});
