import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { failAlways, startRoutingFixture, type RoutingFixture } from './routing-test-gateway.js';

/** Retries, fallback, timeouts and breakers through the gateway, against fake upstreams that fail. */
let fixture: RoutingFixture;
const overloaded = { error: { message: 'The server is overloaded.', type: 'server_error', param: null, code: null } };

before(async () => {
  fixture = await startRoutingFixture(['primary', 'secondary', 'dead'], {
    chat: {
      strategy: 'fallback',
      retry: { attempts: 2, base_ms: 10 },
      targets: [{ model: 'primary/gpt-4o-mini', context_window: 8192 }, { model: 'secondary/gpt-4o', context_window: 128000 }],
      breaker: false,
      // Generous: a loaded CI machine must not turn a slow fake answer into a retry.
      timeout_ms: 5_000,
    },
    guarded: {
      targets: [{ model: 'primary/gpt-4o-mini' }, { model: 'secondary/gpt-4o' }],
      breaker: { failures: 2, cooldown_ms: 1_500 },
    },
    slow: { retry: { attempts: 5, backoff: 'constant', base_ms: 1_000 }, breaker: false, targets: [{ model: 'dead/gpt-4o-mini' }, { model: 'secondary/gpt-4o' }] },
    vectors: { targets: [{ model: 'primary/text-embedding-3-small' }, { model: 'secondary/text-embedding-3-small' }], breaker: false },
  });
});

after(() => fixture.close());

beforeEach(() => {
  for (const upstream of Object.values(fixture.upstreams)) {
    upstream.requests.length = 0;
    upstream.delayMs = 0;
  }
});

test('a failing target is retried, then the next one answers; headers name the target that answered', async () => {
  fixture.upstreams.primary.failNext(2, 503, overloaded);
  const reply = await fixture.chat('chat');
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.json.model, 'gpt-4o');
  assert.equal(reply.headers.get('x-sluice-route'), 'chat');
  assert.equal(reply.headers.get('x-sluice-provider'), 'secondary');
  assert.equal(reply.headers.get('x-sluice-model'), 'secondary/gpt-4o');
  assert.equal(reply.headers.get('x-sluice-attempts'), '3');
  assert.equal(fixture.upstreams.primary.requests.length, 2);
  assert.equal(fixture.upstreams.secondary.requests.length, 1);
});

test('a 400 from the provider reaches the client without retry or fallback', async () => {
  fixture.upstreams.primary.failNext(1, 400, { error: { message: "Invalid value for 'temperature'", type: 'invalid_request_error', param: 'temperature', code: null } });
  const reply = await fixture.chat('chat');
  assert.equal(reply.status, 400);
  assert.equal(reply.json.error.param, 'temperature');
  assert.equal(reply.headers.get('x-sluice-attempts'), '1');
  assert.equal(fixture.upstreams.secondary.requests.length, 0);
});

test('a context-window error moves to the target with the larger context', async () => {
  fixture.upstreams.primary.failNext(1, 400, {
    error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' },
  });
  const reply = await fixture.chat('chat');
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers.get('x-sluice-model'), 'secondary/gpt-4o');
  assert.equal(fixture.upstreams.primary.requests.length, 1, 'not retried: the same prompt would not fit again');
});

test('a stalled upstream times out (x-sluice-request-timeout) and the request falls back', async () => {
  fixture.upstreams.primary.delayMs = 3_000;
  const started = performance.now();
  const reply = await fixture.chat('chat', { 'x-sluice-max-attempts': '1', 'x-sluice-request-timeout': '1000' });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers.get('x-sluice-provider'), 'secondary');
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 950 && elapsed < 2_900, `answered after ${elapsed} ms (timeout 1 s, upstream stalls 3 s)`);
});

test('per-request headers set the attempts, delay and timeout of a direct call', async () => {
  fixture.upstreams.primary.failNext(2, 502, overloaded);
  const reply = await fixture.chat('primary/gpt-4o-mini', { 'x-sluice-max-attempts': '3', 'x-sluice-retry-delay': '0', 'x-sluice-backoff': 'constant' });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers.get('x-sluice-attempts'), '3');
  assert.equal(reply.headers.get('x-sluice-route'), null, 'no route was called');
  assert.equal(fixture.upstreams.primary.requests.length, 3);
  const invalid = await fixture.chat('chat', { 'x-sluice-max-attempts': 'many' });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.json.error.code, 'invalid_header');
  const withoutRetries = await (async () => {
    fixture.upstreams.primary.failNext(1, 503, overloaded);
    return fixture.chat('primary/gpt-4o-mini');
  })();
  assert.equal(withoutRetries.status, 502, 'a direct call is not retried unless asked');
});

test('retry-after from the provider is waited for', async () => {
  fixture.upstreams.primary.failNext(1, 429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '1' });
  const started = performance.now();
  const reply = await fixture.chat('primary/gpt-4o-mini', { 'x-sluice-max-attempts': '2', 'x-sluice-retry-delay': '0' });
  assert.equal(reply.status, 200, reply.text);
  assert.ok(performance.now() - started >= 950, 'waited for retry-after');
  assert.equal(fixture.upstreams.primary.requests.length, 2);
});

test('a client that disconnects during the retries cancels the pending attempts', async () => {
  failAlways(fixture.upstreams.dead);
  const aborter = new AbortController();
  const pending = fixture.post('/v1/chat/completions', { model: 'slow', messages: [{ role: 'user', content: 'hi' }] }, {}, aborter.signal).catch((error: unknown) => error);
  // Leave during the backoff after the first failed attempt.
  while (fixture.upstreams.dead.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  aborter.abort();
  assert.ok((await pending) instanceof Error);
  // Without the cancellation, attempts would go on every second: wait past two of them.
  await new Promise((resolve) => setTimeout(resolve, 2_300));
  assert.equal(fixture.upstreams.dead.requests.length, 1);
  assert.equal(fixture.upstreams.secondary.requests.length, 0);
});

test('embeddings go through the same executor', async () => {
  fixture.upstreams.primary.failNext(1, 500, overloaded);
  const reply = await fixture.post('/v1/embeddings', { model: 'vectors', input: 'hello' });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers.get('x-sluice-provider'), 'secondary');
  assert.equal(reply.json.data.length, 1);
});

test('breaker: opens after repeated failures, skips the target, shows in health, probes and closes', async () => {
  fixture.upstreams.primary.failNext(2, 503, overloaded);
  for (let request = 0; request < 2; request++) assert.equal((await fixture.chat('guarded')).status, 200);
  assert.equal(fixture.upstreams.primary.requests.length, 2);

  const open = await fixture.chat('guarded');
  assert.equal(open.headers.get('x-sluice-provider'), 'secondary');
  assert.equal(open.headers.get('x-sluice-attempts'), '1', 'the open target was skipped, not called');
  assert.equal(fixture.upstreams.primary.requests.length, 2);
  const health = await fixture.health();
  assert.equal(health.json.status, 'degraded');
  const primary = health.json.breakers.targets.find((target: { target: string }) => target.target === 'primary/gpt-4o-mini');
  assert.equal(primary.state, 'open');
  assert.deepEqual(primary.routes, ['guarded'], 'routes with `breaker: false` keep no breaker for it');
  assert.equal(health.json.breakers.store, 'memory');

  await new Promise((resolve) => setTimeout(resolve, 1_600));
  const probe = await fixture.chat('guarded');
  assert.equal(probe.headers.get('x-sluice-provider'), 'primary', 'the probe went to the recovered target');
  const closed = await fixture.health();
  assert.equal(closed.json.breakers.targets.find((target: { target: string }) => target.target === 'primary/gpt-4o-mini').state, 'closed');
});
