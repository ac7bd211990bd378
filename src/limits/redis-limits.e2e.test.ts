import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import type { BackendStateEvent } from './limit-events.js';
import { awayFromMinuteBoundary, capturingLogger, chat, createKey, eventually, startLimitsGateway } from './limit-test-support.js';
import { RedisLimitBackend } from './redis-limit-backend.js';
import { deleteRedisKeys, PrivateRedis, privateRedisUnavailable, redisUrl, whenRedisReachable } from './redis-test-support.js';

let upstream: FakeUpstreamControls;
let directory: string;

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
  directory = mkdtempSync(join(tmpdir(), 'sluice-redis-limits-'));
});

after(async () => {
  await upstream.close();
  rmSync(directory, { recursive: true, force: true });
});

/** Settings of one deployment: its own Redis key prefix, a store both instances share. */
function deployment(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const id = randomBytes(5).toString('hex');
  return {
    redis: url,
    storage: `sqlite:${join(directory, `${id}.db`)}`,
    pricing: { 'openai/gpt-4o-mini': { input: 1000, output: 1000 } },
    ...extra,
    // A generous timeout: on a loaded test machine a reply can take longer than the 250 ms
    // default, and a timed-out check would fail open instead of testing the limit.
    limits: { redis_prefix: `sluice:test:${id}:`, redis_timeout_ms: 5_000, ...(extra.limits as object | undefined) },
  };
}

await whenRedisReachable('two gateway instances sharing Redis', () => {
  describe('two gateway instances sharing one Redis', () => {
    let first: RunningGateway;
    let second: RunningGateway;
    const settings = deployment(redisUrl);
    before(async () => {
      first = await startLimitsGateway(upstream.url, settings);
      second = await startLimitsGateway(upstream.url, settings);
      assert.equal(first.gateway.limits.backend.kind, 'redis');
    });
    after(async () => {
      await first.close();
      await second.close();
      await deleteRedisKeys(redisUrl, first.gateway.limits.settings.redis_prefix);
    });

    test('200 parallel requests over both instances against rpm=50: exactly 50 succeed in all', async () => {
      const { secret } = await createKey(first, { rpm: 50 });
      await awayFromMinuteBoundary();
      const replies = await Promise.all(Array.from({ length: 200 }, (_, index) => chat(index % 2 === 0 ? first : second, secret)));
      assert.equal(replies.filter((reply) => reply.status === 200).length, 50);
      assert.equal(replies.filter((reply) => reply.status === 429).length, 150);
      const remaining = replies.filter((reply) => reply.status === 200).map((reply) => Number(reply.headers.get('x-ratelimit-remaining-requests')));
      assert.deepEqual(remaining.sort((a, b) => a - b), Array.from({ length: 50 }, (_, index) => index));
    });

    test('one budget: a stream on one instance uses it up mid-stream, the other refuses the next request', async () => {
      const { secret, keyId } = await createKey(first, { budget_usd: 0.01, budget_period: 'week' });
      const stream = await chat(first, secret, { stream: true, messages: [{ role: 'user', content: 'a long story please' }] });
      assert.equal(stream.status, 200);
      assert.ok(stream.text.trimEnd().endsWith('data: [DONE]'));
      // The spend is added once the stream has ended; the other instance sees it in Redis.
      await eventually(async () => (await chat(second, secret)).status === 429);
      const refused = await chat(second, secret);
      assert.equal(refused.json.error.code, 'budget_exceeded');
      assert.match(refused.json.error.message, /weekly budget/);
      const budgets = await fetch(`${second.url}/admin/api/v1/usage/budgets`, { headers: { authorization: 'Bearer test-admin-token' } });
      const body = (await budgets.json()) as { backend: string; data: Array<{ id: string; status: string }> };
      assert.equal(body.backend, 'redis');
      assert.equal(body.data.find((entry) => entry.id === keyId)?.status, 'exceeded');
    });

    test('in-flight slots are shared: max_parallel=1 holds across instances', async () => {
      const { secret } = await createKey(first, { max_parallel: 1 });
      upstream.delayMs = 200;
      try {
        const [a, b] = await Promise.all([chat(first, secret), chat(second, secret)]);
        assert.deepEqual([a.status, b.status].sort(), [200, 429]);
      } finally {
        upstream.delayMs = 0;
      }
      await eventually(async () => (await chat(second, secret)).status === 200);
    });
  });
});

const noPrivateRedis = privateRedisUnavailable();
if (noPrivateRedis !== undefined && process.env.CI !== 'true') {
  console.log(`skipping Redis outage tests: ${noPrivateRedis}`);
  test('Redis killed and restarted mid-test', { skip: noPrivateRedis }, () => undefined);
} else {
  describe('Redis killed and restarted mid-test (a private redis-server)', () => {
    let redis: PrivateRedis;
    before(async () => {
      redis = await PrivateRedis.start();
    });
    after(async () => {
      await redis.stop();
    });

    test('fail_open lets requests through with a warning and a counter, fail_closed answers 503; both recover', async () => {
      const { logger, lines } = capturingLogger();
      const settings = deployment(redis.url, { limits: { redis_timeout_ms: 300 } });
      const open = await startLimitsGateway(upstream.url, settings, logger);
      const closed = await startLimitsGateway(upstream.url, { ...settings, limits: { ...(settings.limits as object), on_redis_error: 'fail_closed' } });
      const events: string[] = [];
      open.gateway.limits.events.on('backend_unavailable', (_event: BackendStateEvent) => events.push('unavailable'));
      open.gateway.limits.events.on('backend_recovered', () => events.push('recovered'));
      try {
        const { secret } = await createKey(open, { rpm: 5 });
        assert.equal((await chat(open, secret)).status, 200);
        assert.equal((await chat(closed, secret)).status, 200);

        await redis.stop();
        const during = await Promise.all([1, 2, 3, 4, 5, 6, 7].map(() => chat(open, secret)));
        assert.deepEqual(during.map((reply) => reply.status), [200, 200, 200, 200, 200, 200, 200], 'fail_open: let through, past the limit');
        const refused = await chat(closed, secret);
        assert.equal(refused.status, 503);
        assert.equal(refused.json.error.code, 'limits_unavailable');
        assert.equal(refused.headers.get('retry-after'), '1');
        const counters = open.gateway.limits.counters;
        assert.ok(counters.backend_errors >= 7 && counters.failed_open >= 7, JSON.stringify(counters));
        assert.equal(closed.gateway.limits.counters.failed_closed, 1);
        assert.ok(lines.some((line) => line.level === 40 && /limits backend unreachable/.test(String(line.msg))), 'a warning is logged');
        assert.ok(lines.filter((line) => /limits backend unreachable/.test(String(line.msg))).length <= 2, 'the warning is not repeated per request');
        assert.ok(events.includes('unavailable'));

        await redis.restart();
        const backend = open.gateway.limits.backend as RedisLimitBackend;
        await eventually(() => backend.client.status === 'ready', 10_000);
        await eventually(() => (closed.gateway.limits.backend as RedisLimitBackend).client.status === 'ready', 10_000);
        await awayFromMinuteBoundary();
        // The restarted Redis kept nothing (no persistence): the window starts afresh, and is enforced again.
        const after = [];
        for (let index = 0; index < 6; index += 1) after.push((await chat(open, secret)).status);
        assert.deepEqual(after, [200, 200, 200, 200, 200, 429]);
        assert.equal((await chat(closed, secret)).status, 429, 'fail_closed is back to ordinary limits');
        assert.ok(events.includes('recovered'));
        assert.ok(lines.some((line) => /limits backend reachable again/.test(String(line.msg))));
      } finally {
        await open.close();
        await closed.close();
      }
    });
  });
}
