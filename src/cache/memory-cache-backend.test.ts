import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CachedAnswer } from './cache-backend.js';
import { MemoryCacheBackend } from './memory-cache-backend.js';

const answer = (text: string): CachedAnswer => ({
  completion: { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] },
  costUsd: 0.001,
  provider: 'p',
  model: 'p/m',
  storedAtMs: 0,
});

test('an entry expires after its TTL (injected clock)', async () => {
  let now = 1_000_000;
  const backend = new MemoryCacheBackend(1_000_000, () => now);
  await backend.set('k', answer('a'), 10);
  now += 9_999;
  assert.deepEqual(await backend.get('k'), answer('a'));
  now += 1;
  assert.equal(await backend.get('k'), undefined);
  assert.equal(backend.bytes, 0, 'the expired entry no longer counts');
});

test('the least recently used entries leave once the byte bound is passed', async () => {
  const size = JSON.stringify(answer('x'.repeat(100))).length + 2;
  const backend = new MemoryCacheBackend(size * 3);
  for (const key of ['k1', 'k2', 'k3']) await backend.set(key, answer('x'.repeat(100)), 60);
  await backend.get('k1'); // k1 is now the most recent: k2 goes first
  await backend.set('k4', answer('x'.repeat(100)), 60);
  assert.ok(await backend.get('k1'));
  assert.equal(await backend.get('k2'), undefined);
  assert.ok(await backend.get('k3'));
  assert.ok(await backend.get('k4'));
  assert.ok(backend.bytes <= size * 3);
});

test('an entry larger than the whole cache is not stored; purge goes by prefix', async () => {
  const backend = new MemoryCacheBackend(50);
  await backend.set('big', answer('x'.repeat(100)), 60);
  assert.equal(await backend.get('big'), undefined);
  const roomy = new MemoryCacheBackend(1_000_000);
  await roomy.set('a|1', answer('1'), 60);
  await roomy.set('a|2', answer('2'), 60);
  await roomy.set('b|1', answer('3'), 60);
  assert.equal(await roomy.purge('a|'), 2);
  assert.equal(await roomy.get('a|1'), undefined);
  assert.ok(await roomy.get('b|1'));
  assert.equal(await roomy.purge(''), 1);
});
