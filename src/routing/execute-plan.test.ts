import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../config/load-config.js';
import { ProviderResponseError, UpstreamTimeoutError } from '../errors/gateway-errors.js';
import { createProviders } from '../gateway/gateway.js';
import { Cancellation } from '../http/cancellation.js';
import type { AttemptRecord } from './attempt-record.js';
import { MemoryBreakerStore } from './breaker-store.js';
import { ManualClock, systemClock, type Clock } from './clock.js';
import { executePlan, type RoutingRuntime } from './execute-plan.js';
import { LatencyTracker } from './latency-tracker.js';
import { planRoute, type PlannedTarget } from './plan-route.js';
import { configPriceLookup } from './price-lookup.js';
import { createRequestFacts } from './request-facts.js';
import type { RetryOverrides } from './retry-policy.js';

type Step = 'ok' | 'refusal' | Error;
const unavailable = () => new ProviderResponseError('p', 503, 'overloaded');
const rateLimited = (seconds: string) => new ProviderResponseError('p', 429, 'slow down', { retryAfter: seconds });
const badRequest = () => new ProviderResponseError('p', 400, 'Invalid value for temperature');
const contextWindow = () => new ProviderResponseError('p', 400, "This model's maximum context length is 8192 tokens.", { code: 'context_length_exceeded' });

function setup(routes: Record<string, unknown>, clock: Clock = new ManualClock()) {
  const config = validateConfig({ storage: 'memory', providers: { a: { type: 'openai' }, b: { type: 'openai' }, c: { type: 'openai' } }, routes }, 'test');
  const runtime: RoutingRuntime = { breakers: new MemoryBreakerStore(), latency: new LatencyTracker(), clock, random: () => 0.5 };
  const providers = createProviders(config);
  const plan = (model: string, overrides: RetryOverrides = {}) =>
    planRoute(model, 'chat', createRequestFacts({ headers: {} }), overrides, { config, providers, latency: runtime.latency, prices: configPriceLookup(config), random: () => 0.5 });
  return { runtime, plan };
}

/** Each target answers with the next step of its script; `calls` lists the targets in call order. */
function scripted(script: Record<string, Step[]>) {
  const calls: string[] = [];
  const run = async (candidate: PlannedTarget) => {
    const model = candidate.target.qualifiedModel;
    calls.push(model);
    const step = script[model]?.shift() ?? 'ok';
    if (step instanceof Error) throw step;
    return { model, refusal: step === 'refusal' };
  };
  return { calls, run };
}

async function execute(setupResult: ReturnType<typeof setup>, model: string, script: ReturnType<typeof scripted>, overrides: RetryOverrides = {}, signal = new Cancellation()) {
  const attempts: AttemptRecord[] = [];
  const executed = await executePlan(setupResult.plan(model, overrides), setupResult.runtime, {
    signal,
    attempts,
    run: script.run,
    isRefusal: (result) => result.refusal,
  });
  return { ...executed, attempts };
}

const summary = (attempts: AttemptRecord[]) => attempts.map((attempt) => `${attempt.target}#${attempt.attempt}:${attempt.outcome}:${attempt.status ?? attempt.errorCode}`);
const threeTargets = [{ model: 'a/x' }, { model: 'b/x' }, { model: 'c/x' }];

test('retries each target, then falls back in order; every attempt is recorded', async () => {
  const clock = new ManualClock();
  const routing = setup({ r: { retry: { attempts: 2, base_ms: 100, jitter: 0 }, targets: threeTargets } }, clock);
  const script = scripted({ 'a/x': [unavailable(), unavailable()], 'b/x': [new UpstreamTimeoutError('b', 10), new UpstreamTimeoutError('b', 10)] });
  const { result, candidate, attempts } = await execute(routing, 'r', script);
  assert.equal(result.model, 'c/x');
  assert.equal(candidate.target.qualifiedModel, 'c/x');
  assert.deepEqual(script.calls, ['a/x', 'a/x', 'b/x', 'b/x', 'c/x']);
  assert.deepEqual(summary(attempts), ['a/x#1:failure:503', 'a/x#2:failure:503', 'b/x#1:failure:upstream_timeout', 'b/x#2:failure:upstream_timeout', 'c/x#1:success:200']);
  assert.deepEqual(clock.sleeps, [100, 100], 'one wait per retry, none before a fallback');
  assert.equal(attempts[0].route, 'r');
});

test('backoff schedules follow the route, and the request headers override them', async () => {
  const clock = new ManualClock();
  const routing = setup({ r: { retry: { attempts: 4, backoff: 'exponential', base_ms: 100, jitter: 0 }, targets: [{ model: 'a/x' }] } }, clock);
  await execute(routing, 'r', scripted({ 'a/x': [unavailable(), unavailable(), unavailable()] }));
  assert.deepEqual(clock.sleeps, [100, 200, 400]);
  clock.sleeps.length = 0;
  const script = scripted({ 'a/x': [unavailable(), unavailable()] });
  await execute(routing, 'r', script, { attempts: 3, baseMs: 50, backoff: 'linear' });
  assert.deepEqual(clock.sleeps, [50, 100]);
  assert.equal(script.calls.length, 3);
});

test('retry-after is honoured when longer than the backoff; beyond the cap the next target is tried at once', async () => {
  const clock = new ManualClock();
  const routing = setup({ r: { retry: { attempts: 2, base_ms: 100, jitter: 0, max_retry_after_ms: 5_000 }, targets: threeTargets } }, clock);
  const honoured = scripted({ 'a/x': [rateLimited('2')] });
  assert.equal((await execute(routing, 'r', honoured)).result.model, 'a/x');
  assert.deepEqual(clock.sleeps, [2_000]);
  clock.sleeps.length = 0;
  const capped = scripted({ 'a/x': [rateLimited('60')] });
  assert.equal((await execute(routing, 'r', capped)).result.model, 'b/x');
  assert.deepEqual(clock.sleeps, []);
});

test('a 4xx other than 429 goes to the client: no retry, no fallback', async () => {
  const routing = setup({ r: { retry: { attempts: 3 }, targets: threeTargets } });
  const script = scripted({ 'a/x': [badRequest()] });
  await assert.rejects(execute(routing, 'r', script), (error: unknown) => error instanceof ProviderResponseError && error.status === 400);
  assert.deepEqual(script.calls, ['a/x']);
});

test('a context-window error moves on to a target with a larger window only', async () => {
  const targets = [{ model: 'a/x', context_window: 8192 }, { model: 'b/x', context_window: 8192 }, { model: 'c/x', context_window: 128000 }];
  const routing = setup({ r: { targets }, strict: { fallback_on_context_window: false, targets } });
  const script = scripted({ 'a/x': [contextWindow()] });
  assert.equal((await execute(routing, 'r', script)).result.model, 'c/x');
  assert.deepEqual(script.calls, ['a/x', 'c/x'], 'b/x is no larger, so it is skipped');
  const strict = scripted({ 'a/x': [contextWindow()] });
  await assert.rejects(execute(routing, 'strict', strict), (error: { code?: string }) => error.code === 'context_length_exceeded');
  assert.deepEqual(strict.calls, ['a/x']);
  const nowhere = scripted({ 'a/x': [contextWindow()], 'c/x': [contextWindow()] });
  await assert.rejects(execute(routing, 'r', nowhere), (error: { code?: string }) => error.code === 'context_length_exceeded');
});

test('content-policy refusals move on only when the route says so; a refusal beats a later error', async () => {
  const routing = setup({ strict: { targets: threeTargets }, lenient: { fallback_on_content_filter: true, targets: threeTargets } });
  const filtered = () => new ProviderResponseError('p', 400, 'filtered', { code: 'content_filter' });
  await assert.rejects(execute(routing, 'strict', scripted({ 'a/x': [filtered()] })), (error: { code?: string }) => error.code === 'content_filter');
  assert.equal((await execute(routing, 'lenient', scripted({ 'a/x': [filtered()] }))).result.model, 'b/x');
  assert.equal((await execute(routing, 'strict', scripted({ 'a/x': ['refusal'] }))).result.model, 'a/x', 'without the option a refusal is the answer');
  const refusedThenFailing = scripted({ 'a/x': ['refusal'], 'b/x': [unavailable()], 'c/x': [unavailable()] });
  const { result, attempts } = await execute(routing, 'lenient', refusedThenFailing);
  assert.deepEqual(result, { model: 'a/x', refusal: true });
  assert.equal(attempts[0].errorCode, 'content_filter');
});

test('circuit breaker: opens after consecutive failures, skips the target, probes after the cooldown, closes on success', async () => {
  const clock = new ManualClock();
  const routing = setup({ r: { breaker: { failures: 2, cooldown_ms: 1_000 }, targets: [{ model: 'a/x' }, { model: 'b/x' }] } }, clock);
  for (let request = 0; request < 2; request++) {
    const script = scripted({ 'a/x': [unavailable()] });
    assert.equal((await execute(routing, 'r', script)).result.model, 'b/x');
    assert.deepEqual(script.calls, ['a/x', 'b/x']);
  }
  const open = scripted({});
  const skipped = await execute(routing, 'r', open);
  assert.deepEqual(open.calls, ['b/x'], 'the open target is not called');
  assert.deepEqual(summary(skipped.attempts), ['a/x#1:skipped:circuit_open', 'b/x#1:success:200']);

  clock.advance(1_000);
  const failedProbe = scripted({ 'a/x': [unavailable()] });
  await execute(routing, 'r', failedProbe);
  assert.deepEqual(failedProbe.calls, ['a/x', 'b/x'], 'one probe after the cooldown');
  const reopened = scripted({});
  await execute(routing, 'r', reopened);
  assert.deepEqual(reopened.calls, ['b/x'], 'a failed probe re-opens the breaker');

  clock.advance(1_000);
  const probe = scripted({});
  assert.equal((await execute(routing, 'r', probe)).result.model, 'a/x');
  const closed = scripted({});
  await execute(routing, 'r', closed);
  assert.deepEqual(closed.calls, ['a/x'], 'closed again after the successful probe');
});

test('when every breaker is open, each target still gets one attempt rather than a certain error', async () => {
  const clock = new ManualClock();
  const routing = setup({ r: { retry: { attempts: 3 }, breaker: { failures: 1, cooldown_ms: 60_000 }, targets: [{ model: 'a/x' }, { model: 'b/x' }] } }, clock);
  await assert.rejects(execute(routing, 'r', scripted({ 'a/x': [unavailable()], 'b/x': [unavailable()] })));
  const panic = scripted({ 'a/x': [unavailable()] });
  assert.equal((await execute(routing, 'r', panic)).result.model, 'b/x');
  assert.deepEqual(panic.calls, ['a/x', 'b/x']);
});

test('a client disconnect during a backoff wait cancels the pending attempts', async () => {
  const routing = setup({ r: { retry: { attempts: 5, backoff: 'constant', base_ms: 10_000 }, targets: [{ model: 'a/x' }, { model: 'b/x' }] } }, systemClock);
  const script = scripted({ 'a/x': [unavailable(), unavailable()] });
  const signal = new Cancellation();
  const started = Date.now();
  setTimeout(() => signal.abort(new Error('client disconnected')), 50);
  await assert.rejects(execute(routing, 'r', script, {}, signal), /client disconnected/);
  assert.ok(Date.now() - started < 2_000, 'the 10 s wait was cut short');
  assert.deepEqual(script.calls, ['a/x'], 'no retry and no fallback after the client left');
});

test('a client disconnect during an attempt is recorded as aborted and does not count against the target', async () => {
  const routing = setup({ r: { breaker: { failures: 1 }, targets: [{ model: 'a/x' }, { model: 'b/x' }] } });
  const signal = new Cancellation();
  const attempts: AttemptRecord[] = [];
  const run = (): Promise<never> =>
    new Promise((_, reject) => {
      signal.once('abort', () => reject(new Error('socket closed')));
      setTimeout(() => signal.abort(new Error('client disconnected')), 5);
    });
  await assert.rejects(executePlan(routing.plan('r'), routing.runtime, { signal, attempts, run }), /client disconnected/);
  assert.deepEqual(summary(attempts), ['a/x#1:aborted:client_disconnected']);
  assert.equal(await routing.runtime.breakers.acquire('a/x', { failures: 1, errorRate: 0, windowMs: 1000, minRequests: 1, cooldownMs: 1000 }, Date.now()), 'allow');
});

test('successful attempts feed the latency average; failures count as slow', async () => {
  const clock = new ManualClock();
  const routing = setup({ r: { targets: [{ model: 'a/x' }, { model: 'b/x' }] } }, clock);
  const slow = { run: async (candidate: PlannedTarget) => { clock.advance(candidate.target.qualifiedModel === 'a/x' ? 5 : 40); if (candidate.target.qualifiedModel === 'a/x') throw unavailable(); return {}; } };
  await executePlan(routing.plan('r'), routing.runtime, { signal: new Cancellation(), attempts: [], run: slow.run });
  assert.equal(routing.runtime.latency.get('b/x'), 40);
  assert.ok(routing.runtime.latency.get('a/x')! >= 1_000, 'a fast failure still counts as slow');
  const afterOne = routing.runtime.latency.get('a/x')!;
  await executePlan(routing.plan('r'), routing.runtime, { signal: new Cancellation(), attempts: [], run: slow.run });
  assert.ok(routing.runtime.latency.get('a/x')! > afterOne, 'each failure pulls the average up');
});
