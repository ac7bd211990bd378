import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin } from '../admin/admin-test-client.js';
import { parsePrometheusText, type PrometheusSample } from '../observability/prometheus-text.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { AlertPayload } from './alert-payload.js';
import { startAlertReceiver, type AlertReceiver } from './alert-test-receiver.js';

const adminToken = 'alerts-admin-token';
let receiver: AlertReceiver;
let flaky: FakeUpstreamControls;
let slow: FakeUpstreamControls;
let gateway: RunningGateway;

before(async () => {
  receiver = await startAlertReceiver();
  flaky = await startFakeOpenAIUpstream({ record: false });
  slow = await startFakeOpenAIUpstream({ record: false });
  gateway = await startTestGateway({
    admin: { token: adminToken },
    providers: { flaky: { type: 'openai', base_url: `${flaky.url}/v1` }, slow: { type: 'openai', base_url: `${slow.url}/v1` } },
    routes: {
      chat: { targets: [{ model: 'flaky/gpt-4o-mini' }], breaker: { failures: 3, error_rate: 0, cooldown_ms: 300 } },
      patient: { targets: [{ model: 'slow/gpt-4o-mini' }], breaker: false },
    },
    alerts: {
      instance_id: 'e2e-gateway',
      evaluate_interval_ms: 100,
      webhooks: { hook: { url: `${receiver.url}/hooks/T0/very-secret-path`, headers: { authorization: 'Bearer e2e-webhook-secret' }, backoff_ms: 50 } },
      rules: {
        'chat-errors': { type: 'error_rate', route: 'chat', threshold: 0.5, window_ms: 60_000, min_requests: 5, resolved: true, webhook: 'hook' },
        'chat-breaker': { type: 'breaker_open', target: 'flaky/*', resolved: true, webhook: 'hook' },
        'patient-p95': { type: 'latency_p95', route: 'patient', threshold_ms: 150, min_requests: 5, webhook: 'hook' },
      },
    },
  });
});

after(async () => {
  await gateway.close();
  await flaky.close();
  await slow.close();
  await receiver.close();
});

async function chat(model: string): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hello' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

const alertsOf = (rule: string, status?: AlertPayload['status']) =>
  receiver.received.map((entry) => entry.payload).filter((payload) => payload.rule === rule && (status === undefined || payload.status === status));

test('an upstream answering 500s trips error_rate and breaker_open; both resolve once it recovers', async () => {
  flaky.failNext(6, 500, { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } });
  for (let index = 0; index < 6; index += 1) assert.equal(await chat('chat'), 502);

  // The breaker's payload goes out as the breaker opens; the error rate's on the next evaluation.
  await receiver.waitFor(() => alertsOf('chat-breaker', 'firing').length === 1 && alertsOf('chat-errors', 'firing').length === 1);
  const [breaker] = alertsOf('chat-breaker', 'firing');
  assert.equal(breaker.type, 'breaker_open');
  assert.equal(breaker.subject, 'flaky/gpt-4o-mini');
  assert.equal(breaker.value, 3, 'opened by 3 consecutive failures');
  assert.deepEqual(breaker.details.routes, ['chat']);
  assert.equal(breaker.instance, 'e2e-gateway');
  const [errors] = alertsOf('chat-errors', 'firing');
  assert.equal(errors.subject, 'route=chat');
  assert.equal(errors.value, 1);
  assert.equal(errors.threshold, 0.5);
  // The timer may have run after the fifth failure (min_requests) or the sixth.
  assert.ok(errors.requests === 5 || errors.requests === 6, `requests ${errors.requests}`);
  assert.equal(errors.window_ms, 60_000);
  assert.match(errors.summary, /^error rate 100% ≥ 50% over 1m on route=chat \([56] requests\)$/);
  for (const entry of receiver.received) {
    assert.equal(entry.headers.authorization, 'Bearer e2e-webhook-secret');
    assert.equal(entry.headers['x-sluice-alert-id'], entry.payload.id);
    assert.equal(entry.path, '/hooks/T0/very-secret-path');
  }

  // Recovered: after the breaker's cooldown a probe closes it; successes dilute the error rate.
  await new Promise((resolve) => setTimeout(resolve, 350));
  for (let index = 0; index < 14; index += 1) assert.equal(await chat('chat'), 200);
  await receiver.waitFor(() => alertsOf('chat-breaker', 'resolved').length === 1 && alertsOf('chat-errors', 'resolved').length === 1);
  const [closed] = alertsOf('chat-breaker', 'resolved');
  assert.equal(closed.fingerprint, breaker.fingerprint);
  assert.equal(closed.fired_at, breaker.fired_at);
  const [cleared] = alertsOf('chat-errors', 'resolved');
  // Resolved at the first evaluation that saw the share under 50%: 6 errors of 13 requests or more.
  assert.ok(cleared.requests! >= 13 && cleared.requests! <= 20, `requests ${cleared.requests}`);
  assert.equal(cleared.value, Math.round((6 / cleared.requests!) * 10_000) / 10_000);
  assert.ok(cleared.resolved_at && cleared.resolved_at >= cleared.fired_at);
  // The cooldown holds the repeats back: the error rate was over the threshold at several evaluations.
  assert.equal(alertsOf('chat-errors', 'firing').length, 1);
});

test('a slow upstream trips latency_p95', async () => {
  slow.delayMs = 250;
  try {
    const statuses = await Promise.all(Array.from({ length: 6 }, () => chat('patient')));
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200]);
  } finally {
    slow.delayMs = 0;
  }
  await receiver.waitFor(() => alertsOf('patient-p95').length === 1);
  const [slowAlert] = alertsOf('patient-p95');
  assert.equal(slowAlert.type, 'latency_p95');
  assert.equal(slowAlert.subject, 'route=patient');
  assert.equal(slowAlert.threshold, 150);
  assert.ok(slowAlert.requests! >= 5, `requests ${slowAlert.requests}`);
  // Each took at least the upstream's 250 ms; the percentile is reported to within 5%.
  assert.ok(slowAlert.value >= 237 && slowAlert.value < 5_000, `p95 ${slowAlert.value}`);
});

test('deliveries are listed by the admin API, paged, filtered, without the webhook URL or headers', async () => {
  await gateway.gateway.alerts!.deliverer.idle();
  const unauthorized = await admin(gateway, 'GET', '/alerts/deliveries', undefined, null);
  assert.equal(unauthorized.status, 401);
  const all = await admin(gateway, 'GET', '/alerts/deliveries', undefined, adminToken);
  assert.equal(all.status, 200, all.text);
  assert.equal(all.json.data.length, receiver.received.length, 'one delivery per notification');
  assert.deepEqual(all.json.data.map((delivery: { alert_id: string }) => delivery.alert_id).sort(), receiver.received.map((entry) => entry.payload.id).sort());
  for (const delivery of all.json.data) {
    assert.equal(delivery.status, 'delivered');
    assert.equal(delivery.attempts, 1);
    assert.equal(delivery.status_code, 200);
    assert.equal(delivery.webhook, 'hook');
    assert.equal(delivery.attempt_log.length, 1);
  }
  assert.doesNotMatch(all.text, /very-secret-path|e2e-webhook-secret|127\.0\.0\.1/);
  const byRule = await admin(gateway, 'GET', '/alerts/deliveries?rule=chat-breaker', undefined, adminToken);
  assert.deepEqual(byRule.json.data.map((delivery: { payload: AlertPayload }) => delivery.payload.status).sort(), ['firing', 'resolved']);
  const first = await admin(gateway, 'GET', '/alerts/deliveries?limit=2', undefined, adminToken);
  assert.equal(first.json.data.length, 2);
  const second = await admin(gateway, 'GET', `/alerts/deliveries?limit=2&cursor=${first.json.next_cursor}`, undefined, adminToken);
  assert.deepEqual([...first.json.data, ...second.json.data].map((delivery: { id: string }) => delivery.id), all.json.data.slice(0, 4).map((delivery: { id: string }) => delivery.id));
  const invalid = await admin(gateway, 'GET', '/alerts/deliveries?limit=0', undefined, adminToken);
  assert.equal(invalid.status, 400);
  assert.equal(invalid.json.error.param, 'limit');
  const unknown = await admin(gateway, 'GET', '/alerts/deliveries?colour=red', undefined, adminToken);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.error.param, 'colour');
});

test('/metrics counts alerts fired and delivery attempts', async () => {
  const response = await fetch(`${gateway.url}/metrics`);
  const { samples } = parsePrometheusText(await response.text());
  const value = (name: string, labels: Record<string, string>) =>
    samples.filter((sample: PrometheusSample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted)).reduce((total, sample) => total + sample.value, 0);
  assert.equal(value('sluice_alerts_fired_total', { rule: 'chat-errors', type: 'error_rate' }), 1);
  assert.equal(value('sluice_alerts_fired_total', { rule: 'chat-breaker', type: 'breaker_open' }), 1);
  assert.equal(value('sluice_alerts_resolved_total', { rule: 'chat-breaker', type: 'breaker_open' }), 1);
  assert.equal(value('sluice_alert_delivery_attempts_total', { webhook: 'hook', outcome: 'delivered' }), receiver.received.length);
  assert.equal(value('sluice_alert_deliveries_failed_total', {}), 0);
});
