import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import { semanticRequestOf, type SemanticRequestParts } from './semantic-request.js';

const parts = (request: Record<string, unknown>, extra: Partial<SemanticRequestParts> = {}): SemanticRequestParts => ({
  endpoint: 'chat',
  route: 'chat',
  request: { model: 'chat', messages: [{ role: 'user', content: 'hello' }], ...request } as ChatCompletionRequest,
  scope: 'team',
  teamId: 'team-1',
  keyId: 'key-1',
  embedderId: 'gateway:openai/text-embedding-3-small',
  ...extra,
});
const bucketOf = (request: Record<string, unknown>, extra: Partial<SemanticRequestParts> = {}) => semanticRequestOf(parts(request, extra))?.bucket;

test('the embedded text is the last user message, whitespace collapsed; text parts are joined', () => {
  assert.equal(semanticRequestOf(parts({ messages: [{ role: 'user', content: '  What   is\n the capital? ' }] }))?.text, 'What is the capital?');
  const multipart = { messages: [{ role: 'user', content: [{ type: 'text', text: 'first' }, { type: 'text', text: 'second' }] }] };
  assert.equal(semanticRequestOf(parts(multipart))?.text, 'first second');
});

test('not eligible: n > 1, an image, a conversation ending on a tool result, an empty prompt', () => {
  assert.equal(semanticRequestOf(parts({ n: 2 })), undefined);
  assert.ok(semanticRequestOf(parts({ n: 1 })));
  assert.equal(semanticRequestOf(parts({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] })), undefined);
  assert.equal(semanticRequestOf(parts({ messages: [{ role: 'user', content: 'hi' }, { role: 'tool', tool_call_id: 'c', content: 'x' }] })), undefined);
  assert.equal(semanticRequestOf(parts({ messages: [{ role: 'user', content: '   ' }] })), undefined);
});

test('the bucket separates tenants, routes, embedders, BYOK keys, parameters and earlier turns', () => {
  const base = bucketOf({});
  assert.ok(base?.startsWith('chat|team:team-1|'));
  const different = [
    bucketOf({}, { teamId: 'team-2' }),
    bucketOf({}, { route: 'other' }),
    bucketOf({}, { embedderId: 'local:use-lite-512' }),
    bucketOf({}, { callerProviderKey: 'sk-own' }),
    bucketOf({ temperature: 0.2 }),
    bucketOf({ max_tokens: 10 }),
    bucketOf({ tools: [{ type: 'function', function: { name: 'f' } }] }),
    bucketOf({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello' }] }),
  ];
  for (const bucket of different) assert.notEqual(bucket, base);
  assert.equal(new Set(different).size, different.length);
  // The last user message, delivery fields and key order do not change the bucket.
  assert.equal(bucketOf({ messages: [{ role: 'user', content: 'something else entirely' }] }), base);
  assert.equal(bucketOf({ stream: true, stream_options: { include_usage: true }, user: 'u' }), base);
  assert.equal(bucketOf({ temperature: 0.2, top_p: 1 }), bucketOf({ top_p: 1, temperature: 0.2 }));
});

test('scopes: key separates keys of one team; global shares across teams', () => {
  assert.notEqual(bucketOf({}, { scope: 'key' }), bucketOf({}, { scope: 'key', keyId: 'key-2' }));
  assert.equal(bucketOf({}, { scope: 'key' }), bucketOf({}, { scope: 'key', teamId: 'team-2' }));
  assert.equal(bucketOf({}, { scope: 'global' }), bucketOf({}, { scope: 'global', teamId: 'team-2', keyId: 'key-9' }));
});
