import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { CachedAnswer } from '../cache-backend.js';
import { chat, chatRequests } from '../cache-test-support.js';
import { deleteRedisKeys, redisUrl, whenRedisReachable } from '../../limits/redis-test-support.js';
import { RedisVectorStore } from './redis-vector-store.js';
import { startSemanticTestBed, type SemanticTestBed } from './semantic-test-support.js';
import { toUnitVector } from './unit-vector.js';

const beds: SemanticTestBed[] = [];
after(async () => {
  for (const bed of beds) await bed.close();
});

const answer = (content: string): CachedAnswer => ({
  completion: { id: content, object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] },
  costUsd: null,
  provider: 'p',
  model: 'p/m',
  storedAtMs: 1,
});
const unit = (...values: number[]) => toUnitVector(values);

await whenRedisReachable('redis semantic cache', () => {
  test('the Redis store finds the closest entry of a bucket, bounds it, and expires entries', async () => {
    let now = Date.now();
    const store = new RedisVectorStore(redisUrl, 3000, () => now);
    const bucket = `test-${randomUUID()}`;
    try {
      if (store.client.status !== 'ready') await once(store.client, 'ready');
      await store.add(bucket, { vector: unit(1, 0, 0), answer: answer('x'), ttlSeconds: 30, maxEntries: 2 });
      await store.add(bucket, { vector: unit(0, 1, 0), answer: answer('y'), ttlSeconds: 30, maxEntries: 2 });
      const match = await store.search(bucket, unit(1, 0.1, 0), 0.9);
      assert.equal(match?.answer.completion.id, 'x');
      assert.equal(await store.search(bucket, unit(0, 0, 1), 0.5), undefined);
      assert.equal(await store.search(`other-${bucket}`, unit(1, 0, 0), 0.5), undefined);
      // Redis keeps the TTL of the answer and of the bucket's structures.
      const answerTtl = await store.client.pttl(`sluice:semantic:v1:${bucket}:answer:${match!.id}`);
      const bucketTtl = await store.client.pttl(`sluice:semantic:v1:${bucket}:vectors`);
      assert.ok(answerTtl > 0 && answerTtl <= 30_000 && bucketTtl > 0 && bucketTtl <= 30_000, `${answerTtl} ${bucketTtl}`);
      // x was used after y: a third entry pushes y (least recently used) out of the 2-entry bucket.
      now += 1;
      await store.search(bucket, unit(1, 0, 0), 0.9);
      now += 1;
      await store.add(bucket, { vector: unit(0, 0, 1), answer: answer('z'), ttlSeconds: 30, maxEntries: 2 });
      assert.equal(await store.client.hlen(`sluice:semantic:v1:${bucket}:vectors`), 2);
      assert.equal(await store.search(bucket, unit(0, 1, 0), 0.9), undefined);
      assert.equal((await store.search(bucket, unit(0, 0, 1), 0.9))?.answer.completion.id, 'z');
      now += 30_001;
      assert.equal(await store.search(bucket, unit(1, 0, 0), 0.9), undefined);
      now -= 30_001;
      await store.add(`${bucket}-kept`, { vector: unit(1, 0, 0), answer: answer('kept'), ttlSeconds: 30, maxEntries: 2 });
      await store.add(`${bucket}-gone`, { vector: unit(1, 0, 0), answer: answer('gone'), ttlSeconds: 30, maxEntries: 2 });
      assert.equal(await store.purge(`${bucket}-g`), 1);
      assert.equal(await store.search(`${bucket}-gone`, unit(1, 0, 0), 0.9), undefined);
      assert.equal((await store.search(`${bucket}-kept`, unit(1, 0, 0), 0.9))?.answer.completion.id, 'kept');
      await store.purge(bucket);
      assert.deepEqual(await store.client.keys(`sluice:semantic:v1:${bucket}*`), []);
    } finally {
      await deleteRedisKeys(redisUrl, `sluice:semantic:v1:${bucket}`);
      await store.close();
    }
  });

  test('two gateway instances share semantic entries through Redis', async () => {
    const route = `shared-${randomUUID()}`;
    const extra = () => ({
      cache: { backend: 'memory', semantic: { backend: 'redis', url: redisUrl, timeout_ms: 3000 } },
      routes: { [route]: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 30, semantic: { threshold: 0.9, embedding: 'vectors/test-embed' } } } },
    });
    const one = await startSemanticTestBed(extra());
    const two = await startSemanticTestBed(extra());
    beds.push(one, two);
    try {
      for (const bed of [one, two]) {
        const store = (await bed.gateway.gateway.semanticCache.vectorStore()) as RedisVectorStore;
        if (store.client.status !== 'ready') await once(store.client, 'ready');
      }
      const miss = await chat(one.gateway, { model: route, messages: [{ role: 'user', content: 'What is the capital of France?' }] });
      assert.equal(miss.cacheStatus, 'MISS');
      await one.written(1);
      const hit = await chat(two.gateway, { model: route, messages: [{ role: 'user', content: 'France capital city?' }] });
      assert.equal(hit.cacheStatus, 'HIT');
      assert.equal(hit.body.id, miss.body.id);
      assert.equal(chatRequests(two.chatUpstream), 0);
    } finally {
      await deleteRedisKeys(redisUrl, `sluice:semantic:v1:${encodeURIComponent(route)}|`);
    }
  });
});

test('Redis down: semantic look-ups are quick MISSes answered upstream, never errors', async () => {
  // Port 1 on loopback: nothing listens, so connections are refused at once.
  const bed = await startSemanticTestBed({ cache: { semantic: { backend: 'redis', url: 'redis://127.0.0.1:1' } } });
  beds.push(bed);
  const first = await chat(bed.gateway, { model: 'semantic', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
  await bed.written(1);
  const second = await chat(bed.gateway, { model: 'semantic', messages: [{ role: 'user', content: 'France capital city?' }] });
  assert.deepEqual([first.status, second.status], [200, 200]);
  assert.deepEqual([first.cacheStatus, second.cacheStatus], ['MISS', 'MISS']);
  assert.equal(second.body.choices[0].message.content, 'echo: France capital city?');
  assert.ok(bed.gateway.gateway.semanticCache.counts.FAILED >= 2);
});
