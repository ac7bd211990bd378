import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../config/load-config.js';
import type { RouteConfig } from '../config/config-schema.js';
import { createRequestFacts } from './request-facts.js';
import { orderTargets, type StrategyInputs } from './route-strategies.js';
import { seededRandom } from '../math/seeded-random.js';

function route(yaml: Record<string, unknown>): RouteConfig {
  const config = validateConfig({ storage: 'memory', providers: { a: { type: 'openai' }, b: { type: 'openai' }, c: { type: 'openai' } }, routes: { r: yaml } }, 'test');
  return config.routes.r;
}

function inputs(overrides: Partial<StrategyInputs> = {}): StrategyInputs {
  return {
    routeName: 'r',
    facts: createRequestFacts({ headers: {} }),
    random: seededRandom(7),
    latencyOf: () => undefined,
    costOf: () => Number.POSITIVE_INFINITY,
    ...overrides,
  };
}

/** How often each model comes first over `draws` orderings. */
function firstPicks(config: RouteConfig, draws: number, strategyInputs: StrategyInputs): Map<string, number> {
  const counts = new Map<string, number>();
  for (let index = 0; index < draws; index++) {
    const first = orderTargets(config, strategyInputs)[0].model;
    counts.set(first, (counts.get(first) ?? 0) + 1);
  }
  return counts;
}

/** Within 4 standard deviations of the binomial expectation: fails on a wrong split, not on chance. */
function assertShare(count: number, draws: number, expected: number, label: string): void {
  const sigma = Math.sqrt(draws * expected * (1 - expected));
  assert.ok(Math.abs(count - draws * expected) <= 4 * sigma, `${label}: ${count}/${draws}, expected share ${expected}`);
}

test('fallback keeps the configured order', () => {
  const config = route({ strategy: 'fallback', targets: [{ model: 'b/x' }, { model: 'a/x' }, { model: 'c/x' }] });
  assert.deepEqual(orderTargets(config, inputs()).map((target) => target.model), ['b/x', 'a/x', 'c/x']);
});

test('loadbalance picks first in proportion to weight, and keeps the others as fallbacks', () => {
  const config = route({ strategy: 'loadbalance', targets: [{ model: 'a/x', weight: 3 }, { model: 'b/x', weight: 1 }, { model: 'c/x', weight: 0 }] });
  const draws = 20_000;
  const picks = firstPicks(config, draws, inputs({ random: seededRandom(42) }));
  assertShare(picks.get('a/x') ?? 0, draws, 0.75, 'a/x');
  assertShare(picks.get('b/x') ?? 0, draws, 0.25, 'b/x');
  assert.equal(picks.get('c/x'), undefined, 'weight 0 is never picked first');
  const order = orderTargets(config, inputs()).map((target) => target.model);
  assert.equal(order.length, 3);
  assert.equal(order[2], 'c/x', 'weight 0 serves as the last fallback');
});

test('split sends the configured percentage first; sticky keeps each caller on one side', () => {
  const config = route({ strategy: 'split', targets: [{ model: 'a/x', percent: 90 }, { model: 'b/x', percent: 10 }] });
  const draws = 20_000;
  assertShare(firstPicks(config, draws, inputs({ random: seededRandom(3) })).get('b/x') ?? 0, draws, 0.1, 'canary');
  const sticky = route({ strategy: 'split', sticky: 'metadata.user', targets: [{ model: 'a/x', percent: 80 }, { model: 'b/x', percent: 20 }] });
  const forUser = (user: string) => inputs({ facts: createRequestFacts({ headers: { 'x-sluice-metadata': JSON.stringify({ user }) } }), random: Math.random });
  let canary = 0;
  const users = 10_000;
  for (let index = 0; index < users; index++) {
    const user = `user-${index}`;
    const first = orderTargets(sticky, forUser(user))[0].model;
    if (first === 'b/x') canary++;
    assert.equal(orderTargets(sticky, forUser(user))[0].model, first, `${user} switched sides`);
  }
  assertShare(canary, users, 0.2, 'sticky canary');
  assert.deepEqual(orderTargets(config, inputs()).length, 2, 'the other side is the fallback');
});

test('latency tries unmeasured targets first, then the fastest, and explores at the configured rate', () => {
  const config = route({ strategy: 'latency', latency: { exploration: 0.1 }, targets: [{ model: 'a/x' }, { model: 'b/x' }, { model: 'c/x' }] });
  const measured: Record<string, number> = { 'a/x': 300, 'b/x': 50 };
  const order = orderTargets(config, inputs({ latencyOf: (model) => measured[model], random: () => 0.99 }));
  assert.deepEqual(order.map((target) => target.model), ['c/x', 'b/x', 'a/x']);
  measured['c/x'] = 120;
  const draws = 10_000;
  const picks = firstPicks(config, draws, inputs({ latencyOf: (model) => measured[model], random: seededRandom(11) }));
  assertShare(picks.get('b/x') ?? 0, draws, 0.9, 'fastest');
  assert.ok((picks.get('a/x') ?? 0) > 0, 'the slow target is still explored, so a recovery would be seen');
});

test('cost orders by estimated price, unknown prices last, too-small context windows after those that fit', () => {
  const config = route({
    strategy: 'cost',
    targets: [{ model: 'a/x' }, { model: 'b/x', context_window: 10 }, { model: 'c/x' }],
  });
  const prices: Record<string, number> = { 'b/x': 0.001, 'c/x': 0.01 };
  const facts = createRequestFacts({ headers: {}, body: { max_tokens: 100 }, bodyBytes: 400 });
  const order = orderTargets(config, inputs({ facts, costOf: (model) => prices[model] ?? Number.POSITIVE_INFINITY }));
  assert.deepEqual(order.map((target) => target.model), ['c/x', 'a/x', 'b/x']);
});

test('conditional picks the first matching target and falls to the default', () => {
  const config = route({
    strategy: 'conditional',
    targets: [
      { model: 'a/x', when: { 'metadata.tier': 'premium', 'team.id': ['team_1', 'team_2'] } },
      { model: 'b/x', when: { 'header.x-region': { in: ['eu', 'ch'] } } },
      { model: 'c/x', when: { 'param.max_tokens': { gt: 1000 } } },
      { model: 'a/y' },
    ],
  });
  const team = (id: string) => ({ key: { id: 'key_1', name: 'k', metadata: {} }, team: { id, name: 't', metadata: {} } }) as never;
  const pick = (sources: Parameters<typeof createRequestFacts>[0]) => orderTargets(config, inputs({ facts: createRequestFacts(sources) })).map((target) => target.model);
  assert.deepEqual(pick({ headers: { 'x-sluice-metadata': '{"tier":"premium"}' }, principal: team('team_2') }), ['a/x']);
  assert.deepEqual(pick({ headers: { 'x-sluice-metadata': '{"tier":"premium"}' }, principal: team('team_9') }), ['a/y'], 'every condition of a target must hold');
  assert.deepEqual(pick({ headers: { 'x-region': 'ch' } }), ['b/x']);
  assert.deepEqual(pick({ headers: {}, body: { max_tokens: 4096 } }), ['c/x']);
  assert.deepEqual(pick({ headers: {}, body: { max_tokens: 10 } }), ['a/y']);
  assert.throws(() => pick({ headers: { 'x-sluice-metadata': '{"nested":{"a":1}}' } }), (error: { code?: string }) => error.code === 'invalid_header');
});
