import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatCompletionChunk } from '../schema/chat-completion-response.js';
import { noteChunk, providerAttributes, requestAttributes, responseAttributes, type ResponseFacts } from './gen-ai-attributes.js';

const chunk = (choices: Array<{ index: number; finish_reason: string | null }>, extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk =>
  ({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini-2024-07-18', choices: choices.map((choice) => ({ ...choice, delta: {} })), ...extra }) as ChatCompletionChunk;

test('a stream: finish reasons by choice index, in index order; a chunk seen twice counts once', () => {
  const facts: ResponseFacts = {};
  const chunks = [chunk([{ index: 1, finish_reason: null }]), chunk([{ index: 1, finish_reason: 'length' }]), chunk([{ index: 0, finish_reason: 'stop' }]), chunk([], { usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } })];
  // Two observers may watch the same chunks (a stage replaced the stream): assignments only.
  for (const seen of [...chunks, ...chunks]) noteChunk(facts, seen);
  const attributes = responseAttributes(facts, { prompt_tokens: 3, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 2 } });
  assert.deepEqual(attributes, {
    'gen_ai.response.id': 'chatcmpl-1',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.response.finish_reasons': ['stop', 'length'],
    'gen_ai.usage.input_tokens': 3,
    'gen_ai.usage.output_tokens': 5,
    'gen_ai.usage.cache_read.input_tokens': 2,
  });
});

test('request parameters: max_completion_tokens wins over max_tokens; unset ones are left out', () => {
  assert.deepEqual(requestAttributes('chat', 'gpt-4o', { max_tokens: 10, max_completion_tokens: 20, temperature: 0, n: 2, stream: false } as never), {
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': 'gpt-4o',
    'gen_ai.request.max_tokens': 20,
    'gen_ai.request.temperature': 0,
    'gen_ai.request.choice.count': 2,
    'gen_ai.request.stream': false,
  });
  assert.deepEqual(requestAttributes('embeddings', 'text-embedding-3-small', undefined), { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3-small' });
});

test('provider names follow the well-known values of both attributes', () => {
  assert.deepEqual(providerAttributes('gemini'), { 'gen_ai.provider.name': 'gcp.gemini', 'gen_ai.system': 'gcp.gemini' });
  assert.deepEqual(providerAttributes('azure-openai'), { 'gen_ai.provider.name': 'azure.ai.openai', 'gen_ai.system': 'az.ai.openai' });
});
