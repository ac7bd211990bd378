import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { LimitEvents, type BudgetAlertEvent } from '../limits/limit-events.js';
import { logRecord } from '../observability/log-record-fixture.js';
import type { RequestLogRecord } from '../observability/request-log-record.js';
import { BreakerEvents } from '../routing/breaker-transitions.js';
import { ManualClock } from '../routing/clock.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { AlertService } from './alert-service.js';
import { startAlertReceiver, type AlertReceiver } from './alert-test-receiver.js';

let store: Store;
let receiver: AlertReceiver;

before(async () => {
  store = await openStore('memory');
  receiver = await startAlertReceiver();
});

after(async () => {
  await receiver.close();
  await store.close();
});

function serviceWith(rules: Record<string, unknown>, clock: ManualClock, extra: Record<string, unknown> = {}) {
  const config = validateConfig({
    storage: 'memory',
    providers: { openai: { type: 'openai' }, anthropic: { type: 'anthropic' } },
    routes: { chat: { targets: [{ model: 'openai/gpt-4o-mini' }, { model: 'anthropic/claude-3-5-haiku-latest' }] } },
    alerts: { instance_id: 'unit-1', webhooks: { hook: { url: `${receiver.url}/alerts`, backoff_ms: 0 } }, rules },
    ...extra,
  });
  const limitEvents = new LimitEvents();
  const watched: number[] = [];
  const breakers = new BreakerEvents();
  const service = new AlertService({
    config,
    store,
    logger: pino({ level: 'silent' }),
    clock,
    sources: { limits: { events: limitEvents, watchBudgetThreshold: (fraction) => void watched.push(fraction) }, breakers },
  });
  return { service, limitEvents, breakers, watched };
}

const failed = (overrides: Partial<RequestLogRecord> = {}) => logRecord({ status: 502, error_code: 'upstream_error', route: 'chat', ...overrides });
const succeeded = (overrides: Partial<RequestLogRecord> = {}) => logRecord({ status: 200, route: 'chat', ...overrides });

test('error_rate: fires past the threshold, the cooldown suppresses repeats, it repeats after it, resolves when clear', async () => {
  const clock = new ManualClock();
  const { service } = serviceWith({ errors: { type: 'error_rate', threshold: 0.5, window_ms: 60_000, min_requests: 4, cooldown_ms: 120_000, resolved: true, webhook: 'hook' } }, clock);
  for (let index = 0; index < 3; index += 1) service.observe(failed(), undefined);
  assert.deepEqual(await service.evaluate(), [], 'fewer than min_requests: no decision');
  service.observe(succeeded(), undefined);
  const [fired, ...others] = await service.evaluate();
  assert.deepEqual(others, []);
  assert.equal(fired.status, 'firing');
  assert.equal(fired.type, 'error_rate');
  assert.equal(fired.subject, '*');
  assert.equal(fired.value, 0.75);
  assert.equal(fired.threshold, 0.5);
  assert.equal(fired.requests, 4);
  assert.equal(fired.window_ms, 60_000);
  assert.equal(fired.instance, 'unit-1');
  assert.equal(fired.fired_at, new Date(clock.now()).toISOString());
  assert.match(fired.summary, /error rate 75% ≥ 50% over 1m on \* \(4 requests\)/);

  clock.advance(30_000);
  service.observe(failed(), undefined);
  assert.deepEqual(await service.evaluate(), [], 'still failing, within the cooldown');
  clock.advance(20_000);
  assert.deepEqual(await service.evaluate(), [], 'still within the cooldown');
  clock.advance(75_000);
  // The window has slid: keep it failing.
  for (let index = 0; index < 4; index += 1) service.observe(failed(), undefined);
  const [repeat] = await service.evaluate();
  assert.equal(repeat?.status, 'firing', 'repeated once the cooldown is over');
  assert.equal(repeat.fingerprint, fired.fingerprint);
  assert.notEqual(repeat.id, fired.id);
  assert.equal(repeat.fired_at, fired.fired_at, 'the same episode');

  for (let index = 0; index < 12; index += 1) service.observe(succeeded(), undefined);
  const [resolved] = await service.evaluate();
  assert.equal(resolved.status, 'resolved');
  assert.equal(resolved.value, 0.25);
  assert.equal(resolved.resolved_at, new Date(clock.now()).toISOString());
  assert.deepEqual(await service.evaluate(), []);

  const received = await receiver.waitFor((all) => all.filter((entry) => entry.payload.rule === 'errors').length === 3);
  assert.deepEqual(received.filter((entry) => entry.payload.rule === 'errors').map((entry) => [entry.payload.id, entry.payload.status]), [
    [fired.id, 'firing'],
    [repeat.id, 'firing'],
    [resolved.id, 'resolved'],
  ]);
  await service.close();
});

test('without resolved: true the clearing ends the episode silently, and the next one fires again', async () => {
  const clock = new ManualClock();
  const { service } = serviceWith({ quiet: { type: 'error_rate', threshold: 0.5, window_ms: 60_000, min_requests: 2, cooldown_ms: 1_000, webhook: 'hook' } }, clock);
  service.observe(failed(), undefined);
  service.observe(failed(), undefined);
  assert.deepEqual((await service.evaluate()).map((payload) => payload.status), ['firing']);
  for (let index = 0; index < 4; index += 1) service.observe(succeeded(), undefined);
  assert.deepEqual(await service.evaluate(), [], 'cleared: no resolved notification');
  clock.advance(61_000);
  service.observe(failed(), undefined);
  service.observe(failed(), undefined);
  const [again] = await service.evaluate();
  assert.equal(again.status, 'firing');
  assert.equal(again.fired_at, new Date(clock.now()).toISOString(), 'a new episode');
  await service.close();
});

test('filters and group_by: only matching requests count, one subject per provider', async () => {
  const clock = new ManualClock();
  const { service } = serviceWith(
    {
      byProvider: { type: 'error_rate', threshold: 0.5, min_requests: 2, group_by: 'provider', route: 'chat', webhook: 'hook' },
      searchTeam: { type: 'error_rate', threshold: 0.5, min_requests: 2, team: 'search', webhook: 'hook' },
      minis: { type: 'error_rate', threshold: 0.5, min_requests: 2, model: 'openai/gpt-4o-mini*', webhook: 'hook' },
    },
    clock,
  );
  for (let index = 0; index < 2; index += 1) {
    service.observe(failed({ provider: 'anthropic', model_served: 'anthropic/claude', model_requested: 'chat' }), 'other-team');
    service.observe(succeeded({ provider: 'openai', model_served: 'openai/gpt-4o-mini-2024-07-18', model_requested: 'chat' }), 'search');
    service.observe(failed({ provider: 'openai', route: 'other', model_served: 'openai/gpt-4o-mini-2024-07-18' }), 'other-team');
  }
  const sent = await service.evaluate();
  const described = sent.map((payload) => `${payload.rule} ${payload.subject} ${payload.value}`).sort();
  // byProvider: route=other is filtered out, so openai has 0 errors of 2. searchTeam: 0 of 2.
  // minis: matches the served snapshot through the glob: 2 errors of 4.
  assert.deepEqual(described, ['byProvider provider=anthropic 1', 'minis model=openai/gpt-4o-mini* 0.5']);
  await service.close();
});

test('latency_p95 counts answered requests only, by total time or time to first token', async () => {
  const clock = new ManualClock();
  const { service } = serviceWith(
    {
      slow: { type: 'latency_p95', threshold_ms: 500, min_requests: 5, webhook: 'hook' },
      slowFirstToken: { type: 'latency_p95', threshold_ms: 500, min_requests: 5, latency: 'first_token', webhook: 'hook' },
    },
    clock,
  );
  for (let index = 0; index < 19; index += 1) service.observe(succeeded({ latency_ms: 100 + index, first_token_ms: 20 }), undefined);
  // Fast failures must not hide slow answers, nor count as answers.
  for (let index = 0; index < 50; index += 1) service.observe(failed({ latency_ms: 1 }), undefined);
  assert.deepEqual(await service.evaluate(), []);
  service.observe(succeeded({ latency_ms: 2_000, first_token_ms: 30 }), undefined);
  service.observe(succeeded({ latency_ms: 2_000, first_token_ms: 30 }), undefined);
  const [fired, ...others] = await service.evaluate();
  assert.deepEqual(others, []);
  assert.equal(fired.rule, 'slow');
  assert.equal(fired.requests, 21);
  assert.ok(Math.abs(fired.value - 2_000) <= 100, `p95 ${fired.value}`);
  assert.equal(fired.threshold, 500);
  await service.close();
});

test('budget: the limits are asked to watch the fraction; matching crossings fire once per cooldown', async () => {
  const clock = new ManualClock();
  const { service, limitEvents, watched } = serviceWith({ half: { type: 'budget', threshold: 0.5, team: 'search', cooldown_ms: 60_000, webhook: 'hook' } }, clock);
  assert.deepEqual(watched, [0.5]);
  const event = (overrides: Partial<BudgetAlertEvent>): BudgetAlertEvent => ({
    level: 'alert', scope: 'team', id: 'team-1', name: 'search', period: 'month', period_key: 'month:2026-11', budget_usd: 10, spend_usd: 5.2, threshold: 0.5, ...overrides,
  });
  const before = receiver.received.length;
  limitEvents.emit('budget_alert', event({ threshold: 0.8, spend_usd: 8.1 }));
  limitEvents.emit('budget_alert', event({ name: 'other', id: 'team-2' }));
  limitEvents.emit('budget_alert', event({ scope: 'key', name: 'search' }));
  limitEvents.emit('budget_alert', event({}));
  limitEvents.emit('budget_alert', event({ period_key: 'month:2026-12' }));
  clock.advance(60_000);
  limitEvents.emit('budget_alert', event({ spend_usd: 5.01 }));
  const received = await receiver.waitFor((all) => all.length - before >= 2);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const payloads = received.slice(before).map((entry) => entry.payload);
  assert.equal(payloads.length, 2, 'wrong fraction, team, scope and the repeat within the cooldown are left out');
  assert.deepEqual([payloads[0].subject, payloads[0].value, payloads[0].threshold, payloads[0].type], ['team:search', 0.52, 0.5, 'budget']);
  assert.deepEqual(payloads[0].details, { scope: 'team', id: 'team-1', name: 'search', level: 'alert', period: 'month', period_key: 'month:2026-11', budget_usd: 10, spend_usd: 5.2 });
  assert.equal(payloads[1].value, 0.501);
  await service.close();
});

test('breaker_open: fires when a matching breaker opens, resolves when it closes', async () => {
  const clock = new ManualClock();
  const { service, breakers } = serviceWith({ breaker: { type: 'breaker_open', provider: 'openai', resolved: true, webhook: 'hook' } }, clock);
  const before = receiver.received.length;
  breakers.emit('transition', { target: 'anthropic/claude-3-5-haiku-latest', from: 'closed', to: 'open', consecutiveFailures: 5, at: 0 });
  breakers.emit('transition', { target: 'openai/gpt-4o-mini', from: 'closed', to: 'open', consecutiveFailures: 5, at: 0 });
  breakers.emit('transition', { target: 'openai/gpt-4o-mini', from: 'half_open', to: 'open', consecutiveFailures: 6, at: 0 });
  breakers.emit('transition', { target: 'openai/gpt-4o-mini', from: 'half_open', to: 'closed', consecutiveFailures: 0, at: 0 });
  const received = await receiver.waitFor((all) => all.length - before >= 2);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const payloads = received.slice(before).map((entry) => entry.payload);
  assert.deepEqual(payloads.map((payload) => [payload.status, payload.subject, payload.value]), [
    ['firing', 'openai/gpt-4o-mini', 5],
    ['resolved', 'openai/gpt-4o-mini', 0],
  ]);
  assert.deepEqual(payloads[0].details, { target: 'openai/gpt-4o-mini', routes: ['chat'], from: 'closed', to: 'open' });
  assert.equal(payloads[0].fingerprint, payloads[1].fingerprint);
  await service.close();
});
