import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startRoutingFixture, type RoutingFixture } from './routing-test-gateway.js';

/** Each strategy through the gateway: which upstream the requests reach. */
let fixture: RoutingFixture;

before(async () => {
  fixture = await startRoutingFixture(['one', 'two', 'three'], {
    balanced: { strategy: 'loadbalance', targets: [{ model: 'one/m', weight: 1 }, { model: 'two/m', weight: 1 }] },
    tiers: {
      strategy: 'conditional',
      targets: [
        { model: 'one/premium', when: { 'metadata.tier': 'premium' } },
        { model: 'eu-pool', when: { 'header.x-region': 'eu' } },
        { model: 'three/standard' },
      ],
    },
    'eu-pool': { strategy: 'fallback', targets: [{ model: 'two/eu-large', params: { temperature: 0 } }, { model: 'three/eu-small' }] },
    nested: { targets: [{ model: 'eu-pool', params: { max_tokens: 64, temperature: 0.7 } }] },
    canary: { strategy: 'split', sticky: 'header.x-user', targets: [{ model: 'one/stable', percent: 70 }, { model: 'two/canary', percent: 30 }] },
    fastest: { strategy: 'latency', latency: { exploration: 0.05 }, targets: [{ model: 'one/slow' }, { model: 'two/fast' }] },
    cheapest: { strategy: 'cost', targets: [{ model: 'one/pricey' }, { model: 'two/unknown' }, { model: 'three/cheap' }] },
  }, {
    pricing: { 'one/pricey': { input: 5, output: 15 }, 'three/cheap': { input: 0.1, output: 0.4 } },
  });
});

after(() => fixture.close());

beforeEach(() => {
  for (const upstream of Object.values(fixture.upstreams)) {
    upstream.requests.length = 0;
    upstream.delayMs = 0;
  }
});

const bodyOf = (name: string, index = -1) => fixture.upstreams[name].requests.at(index)!.body as Record<string, unknown>;

test('loadbalance spreads requests by weight', async () => {
  const requests = 300;
  for (let index = 0; index < requests; index++) assert.equal((await fixture.chat('balanced')).status, 200);
  const one = fixture.upstreams.one.requests.length;
  assert.equal(one + fixture.upstreams.two.requests.length, requests);
  // 4 standard deviations of a fair binomial split: fails on a skewed split, not on chance.
  const sigma = Math.sqrt(requests * 0.25);
  assert.ok(Math.abs(one - requests / 2) <= 4 * sigma, `one got ${one} of ${requests}`);
});

test('conditional routing reads x-sluice-metadata and headers, with a default', async () => {
  const premium = await fixture.chat('tiers', { 'x-sluice-metadata': JSON.stringify({ tier: 'premium', user: 'u1' }) });
  assert.equal(premium.headers.get('x-sluice-model'), 'one/premium');
  assert.equal(bodyOf('one').model, 'premium');
  const eu = await fixture.chat('tiers', { 'x-region': 'eu' });
  assert.equal(eu.headers.get('x-sluice-model'), 'two/eu-large');
  assert.equal(eu.headers.get('x-sluice-route'), 'tiers');
  const other = await fixture.chat('tiers', { 'x-sluice-metadata': '{"tier":"free"}' });
  assert.equal(other.headers.get('x-sluice-model'), 'three/standard');
  const malformed = await fixture.chat('tiers', { 'x-sluice-metadata': 'not json' });
  assert.equal(malformed.status, 400);
  assert.equal(malformed.json.error.code, 'invalid_header');
});

test('a nested route falls back within itself and merges per-target parameters', async () => {
  const first = await fixture.chat('nested', {}, { temperature: 1.5 });
  assert.equal(first.status, 200, first.text);
  assert.deepEqual([bodyOf('two').model, bodyOf('two').max_tokens, bodyOf('two').temperature], ['eu-large', 64, 0]);
  fixture.upstreams.two.failNext(1, 503, { error: { message: 'overloaded', type: 'server_error', param: null, code: null } });
  const fallback = await fixture.chat('nested');
  assert.equal(fallback.headers.get('x-sluice-model'), 'three/eu-small');
  assert.deepEqual([bodyOf('three').model, bodyOf('three').max_tokens, bodyOf('three').temperature], ['eu-small', 64, 0.7]);
});

test('a sticky split keeps each user on one side and sends about the configured share to the canary', async () => {
  const users = 200;
  let canary = 0;
  for (let index = 0; index < users; index++) {
    const headers = { 'x-user': `user-${index}` };
    const first = (await fixture.chat('canary', headers)).headers.get('x-sluice-model');
    const again = (await fixture.chat('canary', headers)).headers.get('x-sluice-model');
    assert.equal(again, first, `user-${index} changed sides`);
    if (first === 'two/canary') canary++;
  }
  const sigma = Math.sqrt(users * 0.3 * 0.7);
  assert.ok(Math.abs(canary - users * 0.3) <= 4 * sigma, `${canary} of ${users} users on the canary`);
});

test('latency sends most requests to the faster target and still explores the slower one', async () => {
  fixture.upstreams.one.delayMs = 150;
  for (let index = 0; index < 60; index++) await fixture.chat('fastest');
  const slow = fixture.upstreams.one.requests.length;
  const fast = fixture.upstreams.two.requests.length;
  // Expected ~57 (5 % exploration); the margin absorbs a load spike on the fast one.
  assert.ok(fast >= 45, `fast target got ${fast} of 60`);
  assert.ok(slow >= 1, 'the slow target was measured');
});

test('cost picks the cheapest known price; unknown prices rank last', async () => {
  const reply = await fixture.chat('cheapest');
  assert.equal(reply.headers.get('x-sluice-model'), 'three/cheap');
  fixture.upstreams.three.failNext(1, 503, { error: { message: 'overloaded', type: 'server_error', param: null, code: null } });
  const fallback = await fixture.chat('cheapest');
  assert.equal(fallback.headers.get('x-sluice-model'), 'one/pricey', 'the next cheapest, before the unknown price');
});
