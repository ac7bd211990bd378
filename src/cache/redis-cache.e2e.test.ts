import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { redisUrl, whenRedisReachable } from '../limits/redis-test-support.js';
import { RedisCacheBackend } from './redis-cache-backend.js';
import { chat, chatRequests, startCacheTestBed, type CacheTestBed } from './cache-test-support.js';
import type { CachedAnswer } from './cache-backend.js';

const beds: CacheTestBed[] = [];
after(async () => {
  for (const bed of beds) await bed.close();
});

const answer: CachedAnswer = {
  completion: { id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }] },
  costUsd: 0.5,
  provider: 'p',
  model: 'p/m',
  storedAtMs: 1,
};

await whenRedisReachable('redis response cache', () => {
  test('the Redis backend stores with a TTL, reads back and purges by prefix', async () => {
    const backend = new RedisCacheBackend(redisUrl, 3000);
    const prefix = `test-${randomUUID()}|`;
    try {
      // Commands are refused (a miss) until the connection is up: wait for it here.
      if (backend.client.status !== 'ready') await once(backend.client, 'ready');
      await backend.set(`${prefix}one`, answer, 60);
      await backend.set(`${prefix}two`, answer, 60);
      assert.deepEqual(await backend.get(`${prefix}one`), answer);
      const ttl = await backend.client.ttl(`sluice:cache:v1:${prefix}one`);
      assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
      assert.equal(await backend.purge(prefix), 2);
      assert.equal(await backend.get(`${prefix}one`), undefined);
    } finally {
      await backend.close();
    }
  });

  test('two gateway instances share entries through Redis', async () => {
    const model = `shared-${randomUUID()}`;
    const config = (upstreamUrl: string) => ({
      // Only the cache uses Redis here: limits and breakers stay in memory.
      // A generous command timeout: on a loaded CI machine the default 250 ms can turn a hit into a miss.
      cache: { backend: 'redis', url: redisUrl, redis_timeout_ms: 3000 },
      providers: { fake: { type: 'openai', base_url: `${upstreamUrl}/v1` } },
      routes: { [model]: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 30 } } },
    });
    const first = await startCacheTestBed();
    beds.push(first);
    const one = await startCacheTestBed(config(first.upstream.url));
    const two = await startCacheTestBed(config(first.upstream.url));
    beds.push(one, two);
    // Until its connection is up a backend answers every request as a miss: wait for both.
    for (const bed of [one, two]) {
      const { client } = bed.gateway.gateway.cache.backend as RedisCacheBackend;
      if (client.status !== 'ready') await once(client, 'ready');
    }
    // The entry is written just after the response went out: wait for that write to finish.
    const backend = one.gateway.gateway.cache.backend as RedisCacheBackend;
    const write = backend.set.bind(backend);
    let stored!: () => void;
    const written = new Promise<void>((resolve) => (stored = resolve));
    backend.set = async (...args) => {
      await write(...args);
      stored();
    };
    const miss = await chat(one.gateway, { model });
    const calls = chatRequests(first.upstream);
    await written;
    const hit = await chat(two.gateway, { model });
    assert.equal(miss.cacheStatus, 'MISS');
    assert.equal(hit.cacheStatus, 'HIT');
    assert.deepEqual(hit.body, miss.body);
    assert.equal(chatRequests(first.upstream), calls);
    await one.gateway.gateway.cache.purge(encodeURIComponent(model) + '|');
  });
});

test('Redis down: every request is a quick MISS answered by the upstream, never an error', async () => {
  // Port 1 on loopback: nothing listens, so connections are refused at once.
  const bed = await startCacheTestBed({ cache: { backend: 'redis', url: 'redis://127.0.0.1:1' } });
  beds.push(bed);
  const started = performance.now();
  const first = await chat(bed.gateway, { messages: [{ role: 'user', content: 'redis is down' }] });
  const second = await chat(bed.gateway, { messages: [{ role: 'user', content: 'redis is down' }] });
  assert.deepEqual([first.status, second.status], [200, 200]);
  assert.deepEqual([first.cacheStatus, second.cacheStatus], ['MISS', 'MISS']);
  assert.equal(second.body.choices[0].message.content, 'echo: redis is down');
  assert.ok(performance.now() - started < 2_000, 'a dead cache does not hold requests');
});
