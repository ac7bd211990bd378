import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { redisUnreachableReason } from '../limits/redis-test-support.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import { failAlways, routingAdminToken } from './routing-test-gateway.js';

/**
 * Two gateway instances with one Redis: a breaker one instance opened keeps the other from
 * calling the failing target. Needs REDIS_URL (skipped without it, failing with CI=true).
 */
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';


const unreachable = await redisUnreachableReason(url);

if (unreachable !== undefined && process.env.CI !== 'true') {
  console.log(`skipping shared-breaker tests: ${unreachable}`);
  test('breakers shared through Redis', { skip: unreachable }, () => {});
} else if (unreachable !== undefined) {
  test('Redis is reachable (required with CI=true)', () => assert.fail(unreachable));
} else {
  // Provider names of this run only: breaker keys are named after targets.
  const run = randomBytes(4).toString('hex');
  const dead = `dead${run}`;
  const healthy = `ok${run}`;
  let upstreams: FakeUpstreamControls[];
  let instances: RunningGateway[];

  before(async () => {
    upstreams = [await startFakeOpenAIUpstream(), await startFakeOpenAIUpstream()];
    failAlways(upstreams[0]);
    const config = {
      redis: url,
      admin: { token: routingAdminToken },
      providers: { [dead]: { type: 'openai', base_url: `${upstreams[0].url}/v1` }, [healthy]: { type: 'openai', base_url: `${upstreams[1].url}/v1` } },
      routes: { shared: { targets: [{ model: `${dead}/m` }, { model: `${healthy}/m` }], breaker: { failures: 2, cooldown_ms: 60_000 } } },
    };
    instances = [await startTestGateway(config), await startTestGateway(config)];
  });

  after(async () => {
    for (const instance of instances) await instance.close();
    for (const upstream of upstreams) await upstream.close();
    const cleaner = new Redis(url);
    await cleaner.del(`sluice:breaker:${dead}/m`, `sluice:breaker:${healthy}/m`);
    cleaner.disconnect();
  });

  const chat = async (gateway: RunningGateway) => {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'shared', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await response.text();
    return response;
  };

  test('a breaker opened on one instance stops the other from calling the failing target', async () => {
    for (let request = 0; request < 2; request++) assert.equal((await chat(instances[0])).status, 200);
    assert.equal(upstreams[0].requests.length, 2);
    await instances[0].gateway.router.breakers.flush();

    const health = await fetch(`${instances[1].url}/admin/api/v1/health`, { headers: { authorization: `Bearer ${routingAdminToken}` } });
    const report = (await health.json()) as { breakers: { store: string; targets: Array<{ target: string; state: string }> } };
    assert.equal(report.breakers.store, 'redis');
    assert.equal(report.breakers.targets.find((target) => target.target === `${dead}/m`)?.state, 'open', 'the second instance reads the shared state');

    const before = upstreams[0].requests.length;
    for (let request = 0; request < 5; request++) {
      const response = await chat(instances[1]);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-sluice-provider'), healthy);
    }
    assert.equal(upstreams[0].requests.length, before, 'the second instance never called the failing target');
  });
}
