import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletionRequest } from '../schema/chat-completion-request.js';
import { cacheKey, canonicalJson, type CacheKeyParts } from './cache-key.js';

const request = (extra: Record<string, unknown> = {}) => ({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], ...extra }) as unknown as ChatCompletionRequest;
const key = (overrides: Partial<CacheKeyParts> = {}) => cacheKey({ endpoint: 'chat', model: 'chat', request: request(), scope: 'team', teamId: 't1', keyId: 'k1', ...overrides });

test('canonical JSON sorts keys at every depth and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } }), '{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
});

test('stream, stream_options, user and key order do not change the key', () => {
  const plain = key();
  assert.equal(key({ request: request({ stream: true, stream_options: { include_usage: true }, user: 'alice' }) }), plain);
  const reordered = { messages: [{ content: 'hi', role: 'user' }], model: 'chat' } as unknown as ChatCompletionRequest;
  assert.equal(key({ request: reordered }), plain);
});

test('anything that changes the answer changes the key', () => {
  const plain = key();
  assert.notEqual(key({ request: request({ temperature: 0.5 }) }), plain);
  assert.notEqual(key({ request: { ...request(), messages: [{ role: 'user', content: 'hello' }] } as unknown as ChatCompletionRequest }), plain);
  assert.notEqual(key({ model: 'other' }), plain);
  assert.notEqual(key({ endpoint: 'messages' }), plain);
});

test('tenancy: teams never share a key; per-key and global scopes follow the config', () => {
  assert.notEqual(key({ teamId: 't2' }), key());
  assert.equal(key({ keyId: 'k2' }), key(), 'team scope: keys of one team share');
  assert.notEqual(key({ scope: 'key', keyId: 'k2' }), key({ scope: 'key' }));
  assert.equal(key({ scope: 'global', teamId: 't2' }), key({ scope: 'global' }));
});

test('a BYOK credential is part of the key, and a custom key replaces the body', () => {
  assert.notEqual(key({ callerProviderKey: 'sk-a' }), key({ callerProviderKey: 'sk-b' }));
  assert.notEqual(key({ callerProviderKey: 'sk-a' }), key());
  assert.equal(key({ customKey: 'x', request: request({ temperature: 1 }) }), key({ customKey: 'x' }));
  assert.notEqual(key({ customKey: 'x' }), key({ customKey: 'y' }));
  assert.ok(key().startsWith('chat|team:t1|'), 'the route comes first so it can be purged by prefix');
});
