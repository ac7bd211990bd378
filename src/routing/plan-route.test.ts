import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../config/load-config.js';
import { createProviders } from '../gateway/gateway.js';
import { LatencyTracker } from './latency-tracker.js';
import { planRoute, type Operation } from './plan-route.js';
import { configPriceLookup } from './price-lookup.js';
import { createRequestFacts } from './request-facts.js';

const config = validateConfig(
  {
    storage: 'memory',
    providers: { openai: { type: 'openai' }, anthropic: { type: 'anthropic' }, local: { type: 'openai', base_url: 'http://127.0.0.1:1/v1' } },
    routes: {
      chat: {
        strategy: 'fallback',
        retry: { attempts: 2, base_ms: 10 },
        targets: [
          { model: 'pool', params: { max_tokens: 100, temperature: 0.2 }, context_window: 16000 },
          { model: 'anthropic/claude', params: { max_tokens: 50 }, context_window: 200000 },
        ],
      },
      pool: {
        strategy: 'fallback',
        retry: { attempts: 4 },
        breaker: false,
        targets: [{ model: 'openai/gpt-4o-mini', params: { temperature: 0 } }, { model: 'local/llama' }],
      },
      embed: { targets: [{ model: 'anthropic/claude' }, { model: 'openai/text-embedding-3-small' }] },
    },
  },
  'test',
);
const providers = createProviders(config);

function plan(model: string, operation: Operation = 'chat', overrides = {}) {
  return planRoute(model, operation, createRequestFacts({ headers: {} }), overrides, {
    config,
    providers,
    latency: new LatencyTracker(),
    prices: configPriceLookup(config),
    random: Math.random,
  });
}

test('nested routes expand in place, with parameters merged outer first and the inner route\'s transport settings', () => {
  const { route, targets, fallbackOnContextWindow } = plan('chat');
  assert.equal(route, 'chat');
  assert.equal(fallbackOnContextWindow, true);
  assert.deepEqual(targets.map((target) => target.target.qualifiedModel), ['openai/gpt-4o-mini', 'local/llama', 'anthropic/claude']);
  assert.deepEqual(targets[0].target.params, { max_tokens: 100, temperature: 0 }, 'the inner target\'s temperature wins');
  assert.deepEqual(targets[1].target.params, { max_tokens: 100, temperature: 0.2 });
  assert.deepEqual(targets[0].path, ['chat', 'pool']);
  assert.equal(targets[0].target.route?.name, 'pool');
  assert.equal(targets[0].retry.attempts, 4, 'retries come from the route that holds the target');
  assert.equal(targets[0].breaker, undefined, 'breaker: false on the inner route');
  assert.equal(targets[0].contextWindow, 16000, 'the outer entry\'s context window is inherited');
  assert.equal(targets[2].retry.attempts, 2);
  assert.ok(targets[2].breaker, 'breakers are on by default');
  assert.equal(targets[2].target.upstreamModel, 'claude');
});

test('request overrides apply to every target; a direct call is one target without a breaker', () => {
  const overridden = plan('chat', 'chat', { attempts: 7 });
  assert.ok(overridden.targets.every((target) => target.retry.attempts === 7));
  const direct = plan('openai/gpt-4o');
  assert.equal(direct.route, undefined);
  assert.equal(direct.targets.length, 1);
  assert.equal(direct.targets[0].retry.attempts, 1);
  assert.equal(direct.targets[0].breaker, undefined);
  assert.throws(() => plan('nowhere/model'), (error: { status?: number }) => error.status === 404);
});

test('targets whose provider cannot do the operation are left out', () => {
  assert.deepEqual(plan('embed', 'embeddings').targets.map((target) => target.target.qualifiedModel), ['openai/text-embedding-3-small']);
  assert.equal(plan('embed', 'chat').targets.length, 2);
});

test('config check: cycles, a conditional default, split percentages and misplaced fields', () => {
  const check = (routes: Record<string, unknown>) => {
    try {
      validateConfig({ storage: 'memory', providers: { a: { type: 'openai' } }, routes }, 'test');
      return [];
    } catch (error) {
      return (error as { problems: string[] }).problems;
    }
  };
  assert.deepEqual(check({ one: { targets: [{ model: 'two' }] }, two: { targets: [{ model: 'one' }] } }).length, 2, 'both routes of the cycle are reported');
  assert.match(check({ c: { strategy: 'conditional', targets: [{ model: 'a/x', when: { 'team.id': 't' } }] } })[0], /needs a default target/);
  assert.match(check({ s: { strategy: 'split', targets: [{ model: 'a/x', percent: 60 }, { model: 'a/y', percent: 30 }] } })[0], /add up to 90/);
  assert.match(check({ f: { targets: [{ model: 'a/x', when: { 'team.id': 't' } }] } })[0], /only a conditional route/);
  assert.deepEqual(check({ ok: { strategy: 'split', sticky: 'key.id', targets: [{ model: 'a/x', percent: 95 }, { model: 'a/y', percent: 5 }] } }), []);
  assert.ok(check({ bad: { strategy: 'conditional', targets: [{ model: 'a/x', when: { 'body.foo': 1 } }, { model: 'a/y' }] } }).some((problem) => problem.includes('when')));
});
