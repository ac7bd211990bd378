import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { admin, adminToken } from '../admin/admin-test-client.js';
import { createKey } from '../limits/limit-test-support.js';
import { redisUrl, whenRedisReachable } from '../limits/redis-test-support.js';
import type { RedisCacheBackend } from './redis-cache-backend.js';
import type { RunningGateway } from '../server/start-gateway.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import { embeddingRequests, startFakeEmbeddingsUpstream, vectorOf } from './semantic/semantic-test-support.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;
const price = 100;

before(async () => {
  upstream = await startFakeEmbeddingsUpstream();
  gateway = await startTestGateway({
    auth: { required: true },
    admin: { token: adminToken },
    providers: { vectors: { type: 'openai', base_url: `${upstream.url}/v1` } },
    routes: {
      embed: { targets: [{ model: 'vectors/text-embedding-3-small' }], cache: { ttl: 60 } },
      uncached: { targets: [{ model: 'vectors/text-embedding-3-small' }] },
    },
    pricing: { 'vectors/text-embedding-3-small': { input: price, output: 0 } },
  });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

interface EmbeddingsReply {
  status: number;
  cacheStatus: string | null;
  requestId: string | null;
  text: string;
  body: any;
}

async function embed(secret: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<EmbeddingsReply> {
  const response = await fetch(`${gateway.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...headers },
    body: JSON.stringify({ model: 'embed', ...body }),
  });
  const text = await response.text();
  return { status: response.status, cacheStatus: response.headers.get('x-sluice-cache-status'), requestId: response.headers.get('x-sluice-request-id'), text, body: JSON.parse(text) };
}

const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

test('the official openai SDK (base64 by default): a repeat is a HIT with the same vectors and no upstream call', async () => {
  const key = await createKey(gateway);
  const client = new OpenAI({ apiKey: key.secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const input = ['capital of France', 'boil an egg'];
  const first = await client.embeddings.create({ model: 'embed', input }).withResponse();
  assert.equal(first.response.headers.get('x-sluice-cache-status'), 'MISS');
  const calls = embeddingRequests(upstream);
  assert.equal((upstream.requests.at(-1)?.body as { encoding_format?: string }).encoding_format, 'base64', 'the SDK asked for base64');
  const second = await client.embeddings.create({ model: 'embed', input }).withResponse();
  assert.equal(second.response.headers.get('x-sluice-cache-status'), 'HIT');
  assert.equal(second.response.headers.get('x-sluice-provider'), 'vectors');
  assert.equal(second.response.headers.get('x-sluice-model'), 'vectors/text-embedding-3-small');
  assert.equal(embeddingRequests(upstream), calls);
  assert.deepEqual(second.data, first.data);
  assert.deepEqual(second.data.data.map((item) => item.embedding), input.map((text) => vectorOf(text)));
  // The SDK's float request is another entry (another encoding), answered with the same vectors.
  const floats = await client.embeddings.create({ model: 'embed', input, encoding_format: 'float' }).withResponse();
  assert.equal(floats.response.headers.get('x-sluice-cache-status'), 'MISS');
  assert.deepEqual(floats.data.data.map((item) => item.embedding), second.data.data.map((item) => item.embedding));
});

test('a hit is the identical JSON, every time; input, dimensions, encoding_format and model are all in the key', async () => {
  const { secret } = await createKey(gateway);
  const body = { input: 'identical json please', encoding_format: 'float' };
  const miss = await embed(secret, body);
  assert.equal(miss.cacheStatus, 'MISS');
  const hits = [await embed(secret, body), await embed(secret, { ...body, user: 'someone else' })];
  assert.deepEqual(hits.map((hit) => hit.cacheStatus), ['HIT', 'HIT']);
  assert.deepEqual(hits[0].body, miss.body);
  assert.equal(hits[1].text, hits[0].text, 'hits write the same bytes');
  const calls = embeddingRequests(upstream);
  const variants: Array<Record<string, unknown>> = [
    { ...body, input: 'identical json, please' },
    { ...body, input: ['identical json please'] },
    { ...body, dimensions: 32 },
    { ...body, encoding_format: 'base64' },
    { ...body, model: 'vectors/text-embedding-3-small' },
  ];
  for (const variant of variants) {
    const reply = await embed(secret, variant, variant.model ? { 'x-sluice-cache-ttl': '60' } : {});
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.cacheStatus, 'MISS', JSON.stringify(variant));
  }
  assert.equal(embeddingRequests(upstream), calls + variants.length);
});

test("tenants are isolated: another team's identical request is its own MISS; the same team's other key hits", async () => {
  const a = await createKey(gateway);
  const teamMate = (await gateway.gateway.tenancy.createKey({ name: 'a-2', team_id: a.teamId })).secret;
  const b = await createKey(gateway);
  const body = { input: 'tenant isolation of embeddings' };
  assert.equal((await embed(a.secret, body)).cacheStatus, 'MISS');
  const calls = embeddingRequests(upstream);
  assert.equal((await embed(b.secret, body)).cacheStatus, 'MISS');
  assert.equal(embeddingRequests(upstream), calls + 1, "team b's request went upstream");
  assert.equal((await embed(teamMate, body)).cacheStatus, 'HIT');
});

test('hits are in usage with the cost they saved, in the request log, and never tokens or cost', async () => {
  const key = await createKey(gateway);
  const body = { input: 'four words of input' };
  const miss = await embed(key.secret, body);
  const hit = await embed(key.secret, body);
  assert.deepEqual([miss.cacheStatus, hit.cacheStatus], ['MISS', 'HIT']);
  const cost = (4 * price) / 1e6;
  const usage = await admin(gateway, 'GET', `/usage?group_by=key&key_id=${key.keyId}`);
  assert.equal(usage.status, 200, usage.text);
  const row = usage.json.data[0];
  assert.deepEqual([row.requests, row.cache_hits, row.prompt_tokens], [2, 1, 4]);
  close(row.cost_usd, cost, 'only the miss cost anything');
  close(row.cost_saved_usd, cost, 'the hit saved what the miss cost');
  await gateway.gateway.logs.writer.flush();
  const logged = await admin(gateway, 'GET', `/logs/${hit.requestId}`);
  assert.equal(logged.status, 200, logged.text);
  const record = logged.json.data ?? logged.json;
  assert.deepEqual([record.endpoint, record.cache_status, record.provider, record.cost_usd], ['embeddings', 'HIT', 'vectors', null]);
  close(record.cost_saved_usd, cost, 'logged cost saved');
});

test('skip-cache and no-store bypass, no-cache refreshes, a route without cache says nothing', async () => {
  const { secret } = await createKey(gateway);
  const body = { input: 'cache control for embeddings' };
  assert.equal((await embed(secret, body)).cacheStatus, 'MISS');
  assert.equal((await embed(secret, body, { 'x-sluice-skip-cache': '1' })).cacheStatus, 'BYPASS');
  assert.equal((await embed(secret, body, { 'cache-control': 'no-store' })).cacheStatus, 'BYPASS');
  const calls = embeddingRequests(upstream);
  assert.equal((await embed(secret, body, { 'cache-control': 'no-cache' })).cacheStatus, 'MISS');
  assert.equal(embeddingRequests(upstream), calls + 1);
  assert.equal((await embed(secret, body)).cacheStatus, 'HIT');
  const plain = await embed(secret, { ...body, model: 'uncached' });
  assert.equal(plain.status, 200, plain.text);
  assert.equal(plain.cacheStatus, null);
});

test('an upstream error is not stored', async () => {
  const { secret } = await createKey(gateway);
  upstream.failNext(1, 500, { error: { message: 'boom', type: 'server_error', param: null, code: null } });
  const failed = await embed(secret, { input: 'fails once' }, { 'x-sluice-max-attempts': '1' });
  assert.equal(failed.status, 502, failed.text);
  const retried = await embed(secret, { input: 'fails once' });
  assert.deepEqual([retried.status, retried.cacheStatus], [200, 'MISS']);
});

await whenRedisReachable('redis embeddings cache', () => {
  test('two gateway instances share an embeddings entry through Redis, answered as the same JSON', async () => {
    const route = `embed-${randomUUID()}`;
    const config = {
      // A generous command timeout: on a loaded CI machine the default 250 ms can turn a hit into a miss.
      cache: { backend: 'redis', url: redisUrl, redis_timeout_ms: 3000 },
      providers: { vectors: { type: 'openai', base_url: `${upstream.url}/v1` } },
      routes: { [route]: { targets: [{ model: 'vectors/text-embedding-3-small' }], cache: { ttl: 30 } } },
    };
    const [one, two] = [await startTestGateway(config), await startTestGateway(config)];
    try {
      for (const instance of [one, two]) {
        const { client } = instance.gateway.cache.backend as RedisCacheBackend;
        if (client.status !== 'ready') await once(client, 'ready');
      }
      // The entry is written just after the response went out: wait for that write to finish.
      const backend = one.gateway.cache.backend as RedisCacheBackend;
      const write = backend.set.bind(backend);
      let stored!: () => void;
      const written = new Promise<void>((resolve) => (stored = resolve));
      backend.set = async (...args) => {
        await write(...args);
        stored();
      };
      const ask = (instance: RunningGateway) =>
        fetch(`${instance.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: route, input: ['capital of France', 'shared'], encoding_format: 'base64' }) });
      const miss = await ask(one);
      const missBody = await miss.json();
      await written;
      const calls = embeddingRequests(upstream);
      const hit = await ask(two);
      assert.deepEqual([miss.headers.get('x-sluice-cache-status'), hit.headers.get('x-sluice-cache-status')], ['MISS', 'HIT']);
      assert.deepEqual(await hit.json(), missBody);
      assert.equal(embeddingRequests(upstream), calls);
      await one.gateway.cache.purge(encodeURIComponent(route) + '|');
    } finally {
      await one.close();
      await two.close();
    }
  });
});
