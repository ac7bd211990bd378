import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { ManualClock } from '../routing/clock.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { WebhookConfig } from './alert-config.js';
import { AlertDeliverer, type DeliveryListener } from './alert-deliverer.js';
import { buildAlertPayload, type AlertPayload } from './alert-payload.js';
import { closedPortUrl, startAlertReceiver, type AlertReceiver } from './alert-test-receiver.js';

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

function payload(rule = 'errors'): AlertPayload {
  return buildAlertPayload(
    {
      status: 'firing', rule, type: 'error_rate', subject: 'route=chat', value: 0.5, threshold: 0.2, window_ms: 60_000, requests: 40,
      fired_at: '2026-11-24T05:00:00.000Z', resolved_at: null, summary: 'test', details: {},
    },
    'test-instance',
  );
}

function tally(): DeliveryListener & { events: string[] } {
  const events: string[] = [];
  return {
    events,
    attempt: (webhook, ok) => void events.push(`${webhook}:${ok ? 'ok' : 'failed-attempt'}`),
    failed: (webhook) => void events.push(`${webhook}:failed`),
    dropped: (webhook) => void events.push(`${webhook}:dropped`),
  };
}

const webhook = (overrides: Partial<WebhookConfig> = {}): WebhookConfig => ({ url: `${receiver.url}/hook/secret-path`, headers: {}, timeout_ms: 2_000, attempts: 3, backoff_ms: 250, ...overrides });

async function deliveriesOf(rule: string) {
  return (await store.listAlertDeliveries({ rule, limit: 10 })).records;
}

test('a receiver answering 500 then 200: retried after the backoff, both attempts recorded, delivered', async () => {
  const clock = new ManualClock();
  const listener = tally();
  const hook = webhook({ headers: { authorization: 'Bearer hook-secret-token' } });
  const deliverer = new AlertDeliverer({ pager: hook }, store, pino({ level: 'silent' }), clock, listener);
  receiver.answerWith(500);
  const sent = payload('retry-then-ok');
  const before = receiver.received.length;
  deliverer.send('retry-then-ok', ['pager'], sent);
  await deliverer.idle();
  const calls = receiver.received.slice(before);
  assert.deepEqual(calls.map((call) => call.answered), [500, 200]);
  for (const call of calls) {
    assert.deepEqual(call.payload, sent, 'the same payload, id included, on every attempt');
    assert.equal(call.headers['x-sluice-alert-id'], sent.id);
    assert.equal(call.headers['content-type'], 'application/json');
    assert.equal(call.headers.authorization, 'Bearer hook-secret-token');
    assert.equal(call.path, '/hook/secret-path');
  }
  assert.deepEqual(clock.sleeps, [250]);
  assert.deepEqual(listener.events, ['pager:failed-attempt', 'pager:ok']);
  const [record] = await deliveriesOf('retry-then-ok');
  assert.equal(record.status, 'delivered');
  assert.equal(record.attempts, 2);
  assert.equal(record.status_code, 200);
  assert.equal(record.error, null);
  assert.equal(record.webhook, 'pager');
  assert.equal(record.alert_id, sent.id);
  assert.deepEqual(record.payload, sent);
  assert.deepEqual(record.attempt_log.map((attempt) => [attempt.status_code, attempt.error]), [[500, 'http_500'], [200, null]]);
  assert.ok(record.delivered_at && record.failed_at === null);
  const stored = JSON.stringify(record);
  assert.doesNotMatch(stored, /hook-secret-token|secret-path|127\.0\.0\.1/, 'neither the URL nor the headers are stored');
  await deliverer.close();
});

test('a webhook that is down: every attempt fails with a code, the delivery is recorded as failed', async () => {
  const clock = new ManualClock();
  const listener = tally();
  const deliverer = new AlertDeliverer({ down: webhook({ url: await closedPortUrl() }) }, store, pino({ level: 'silent' }), clock, listener);
  deliverer.send('down-rule', ['down'], payload('down-rule'));
  await deliverer.idle();
  const [record] = await deliveriesOf('down-rule');
  assert.equal(record.status, 'failed');
  assert.equal(record.attempts, 3);
  assert.equal(record.status_code, null);
  assert.equal(record.error, 'ECONNREFUSED');
  assert.ok(record.failed_at && record.delivered_at === null);
  assert.deepEqual(clock.sleeps, [250, 500], 'the wait doubles');
  assert.deepEqual(listener.events, ['down:failed-attempt', 'down:failed-attempt', 'down:failed-attempt', 'down:failed']);
  await deliverer.close();
});

test('a 4xx other than 408/429 is not retried; a hung receiver times out', async () => {
  const clock = new ManualClock();
  const deliverer = new AlertDeliverer({ strict: webhook(), slow: webhook({ timeout_ms: 200, attempts: 2 }) }, store, pino({ level: 'silent' }), clock, tally());
  receiver.answerWith(404);
  deliverer.send('not-found', ['strict'], payload('not-found'));
  await deliverer.idle();
  const [notFound] = await deliveriesOf('not-found');
  assert.deepEqual([notFound.status, notFound.attempts, notFound.error], ['failed', 1, 'http_404']);
  receiver.hang = true;
  try {
    deliverer.send('hung', ['slow'], payload('hung'));
    await deliverer.idle();
  } finally {
    receiver.hang = false;
  }
  const [hung] = await deliveriesOf('hung');
  assert.deepEqual([hung.status, hung.attempts, hung.error], ['failed', 2, 'timeout']);
  for (const attempt of hung.attempt_log) assert.ok(attempt.duration_ms >= 150 && attempt.duration_ms < 2_000, `bounded by timeout_ms: ${attempt.duration_ms}`);
  await deliverer.close();
});

test('a store that fails does not stop or break the delivery', async () => {
  const broken = new Proxy(store, {
    get(target, property, receiverObject) {
      if (property === 'saveAlertDelivery') return async () => Promise.reject(new Error('database is down'));
      return Reflect.get(target, property, receiverObject);
    },
  });
  const deliverer = new AlertDeliverer({ pager: webhook() }, broken, pino({ level: 'silent' }), new ManualClock(), tally());
  const sent = payload('store-down');
  deliverer.send('store-down', ['pager'], sent);
  await deliverer.idle();
  assert.ok(receiver.received.some((call) => call.payload.id === sent.id));
  await deliverer.close();
});

test('close: no retry starts once closing, and the delivery is recorded as failed', async () => {
  // A real clock: the retry wait is long, and close() must end it rather than wait it out.
  const { systemClock } = await import('../routing/clock.js');
  const deliverer = new AlertDeliverer({ pager: webhook({ backoff_ms: 60_000 }) }, store, pino({ level: 'silent' }), systemClock, tally());
  receiver.answerWith(503);
  deliverer.send('closing', ['pager'], payload('closing'));
  await receiver.waitFor((received) => received.some((call) => call.payload.rule === 'closing'));
  const started = Date.now();
  await deliverer.close();
  assert.ok(Date.now() - started < 5_000, 'close did not wait for the 60 s backoff');
  const [record] = await deliveriesOf('closing');
  assert.deepEqual([record.status, record.attempts, record.status_code], ['failed', 1, 503]);
});
