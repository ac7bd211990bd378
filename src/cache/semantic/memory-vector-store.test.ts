import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CachedAnswer } from '../cache-backend.js';
import { MemoryVectorStore } from './memory-vector-store.js';
import { dotProduct, toUnitVector, vectorFromBytes, vectorToBytes } from './unit-vector.js';

const answer = (content: string): CachedAnswer => ({
  completion: { id: content, object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] },
  costUsd: 0.01,
  provider: 'p',
  model: 'p/m',
  storedAtMs: 1,
});
const unit = (...values: number[]) => toUnitVector(values);

test('unit vectors: cosine is the dot product; bytes round-trip; zero vectors are refused', () => {
  assert.ok(Math.abs(dotProduct(unit(3, 4), unit(6, 8)) - 1) < 1e-6);
  assert.ok(Math.abs(dotProduct(unit(1, 0), unit(1, 1)) - Math.SQRT1_2) < 1e-6);
  assert.equal(dotProduct(unit(1, 0), unit(1, 0, 0)), -1);
  const vector = unit(0.1, -0.2, 0.3);
  const bytes = Buffer.concat([Buffer.alloc(1), vectorToBytes(vector)]).subarray(1);
  assert.deepEqual(vectorFromBytes(bytes), vector);
  assert.throws(() => toUnitVector([0, 0]), /zero/);
  assert.throws(() => toUnitVector([Number.NaN, 1]), /not finite/);
});

test('search returns the most similar entry at or above the threshold, within its bucket only', async () => {
  const store = new MemoryVectorStore(100);
  await store.add('a', { vector: unit(1, 0), answer: answer('x'), ttlSeconds: 60, maxEntries: 10 });
  await store.add('a', { vector: unit(1, 1), answer: answer('diagonal'), ttlSeconds: 60, maxEntries: 10 });
  const match = await store.search('a', unit(1, 0.1), 0.9);
  assert.equal(match?.answer.completion.id, 'x');
  assert.ok(match!.similarity > 0.99 && match!.similarity <= 1.000001);
  assert.equal(await store.search('a', unit(0, 1), 0.9), undefined);
  assert.equal((await store.search('a', unit(0, 1), 0.7))?.answer.completion.id, 'diagonal');
  assert.equal(await store.search('b', unit(1, 0), 0.5), undefined);
});

test('entries expire after their ttl', async () => {
  let now = 1_000;
  const store = new MemoryVectorStore(100, () => now);
  await store.add('a', { vector: unit(1, 0), answer: answer('x'), ttlSeconds: 10, maxEntries: 10 });
  now += 9_999;
  assert.ok(await store.search('a', unit(1, 0), 0.9));
  now += 1;
  assert.equal(await store.search('a', unit(1, 0), 0.9), undefined);
  assert.equal(store.size, 0);
});

test('a bucket keeps its max entries, least recently used leaving first; the total is bounded too', async () => {
  const store = new MemoryVectorStore(4);
  const axes = [unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)];
  for (const [index, vector] of axes.slice(0, 2).entries()) await store.add('a', { vector, answer: answer(`a${index}`), ttlSeconds: 60, maxEntries: 2 });
  // Using a0 makes a1 the least recently used, so a third entry pushes a1 out.
  assert.ok(await store.search('a', axes[0], 0.9));
  await store.add('a', { vector: axes[2], answer: answer('a2'), ttlSeconds: 60, maxEntries: 2 });
  assert.equal(await store.search('a', axes[1], 0.9), undefined);
  assert.ok(await store.search('a', axes[0], 0.9));
  assert.ok(await store.search('a', axes[2], 0.9));
  for (const [index, vector] of axes.entries()) await store.add('b', { vector, answer: answer(`b${index}`), ttlSeconds: 60, maxEntries: 10 });
  assert.equal(store.size, 4);
  // The least recently used over all buckets went: a0 (a2 was looked up after it).
  assert.equal(await store.search('a', axes[0], 0.9), undefined);
  assert.ok(await store.search('a', axes[2], 0.9));
  assert.ok(await store.search('b', axes[0], 0.9));
});

test('purge deletes the buckets that start with a prefix', async () => {
  const store = new MemoryVectorStore(100);
  for (const bucket of ['chat|team:a|1', 'chat|team:b|1', 'other|team:a|1']) await store.add(bucket, { vector: unit(1, 0), answer: answer(bucket), ttlSeconds: 60, maxEntries: 10 });
  assert.equal(await store.purge('chat|team:a|'), 1);
  assert.equal(await store.search('chat|team:a|1', unit(1, 0), 0.9), undefined);
  assert.ok(await store.search('chat|team:b|1', unit(1, 0), 0.9));
  assert.equal(await store.purge(''), 2);
  assert.equal(store.size, 0);
});
