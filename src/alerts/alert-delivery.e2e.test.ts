import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin } from '../admin/admin-test-client.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { AlertDeliveryRecord } from './alert-delivery-record.js';
import { closedPortUrl, startAlertReceiver, type AlertReceiver } from './alert-test-receiver.js';

const adminToken = 'alert-delivery-admin-token';
let upstream: FakeUpstreamControls;
let flakyReceiver: AlertReceiver;
let hungReceiver: AlertReceiver;
let gateway: RunningGateway;

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
  flakyReceiver = await startAlertReceiver();
  hungReceiver = await startAlertReceiver();
  hungReceiver.hang = true;
  gateway = await startTestGateway({
    admin: { token: adminToken },
    providers: { openai: { type: 'openai', base_url: `${upstream.url}/v1` } },
    routes: { chat: { targets: [{ model: 'openai/gpt-4o-mini' }], breaker: { failures: 2, error_rate: 0, cooldown_ms: 60_000 } } },
    alerts: {
      webhooks: {
        flaky: { url: `${flakyReceiver.url}/hook`, backoff_ms: 100 },
        down: { url: await closedPortUrl(), backoff_ms: 100 },
        hung: { url: `${hungReceiver.url}/hook`, timeout_ms: 3_000, attempts: 2, backoff_ms: 100 },
      },
      rules: { breaker: { type: 'breaker_open', webhook: ['flaky', 'down', 'hung'] } },
    },
  });
});

after(async () => {
  await gateway.close();
  await upstream.close();
  await flakyReceiver.close();
  await hungReceiver.close();
});

async function chat(): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hello' }] }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function deliveries(query = ''): Promise<AlertDeliveryRecord[]> {
  const reply = await admin(gateway, 'GET', `/alerts/deliveries${query}`, undefined, adminToken);
  assert.equal(reply.status, 200, reply.text);
  return reply.json.data;
}

test('retries, a webhook that is down and one that hangs: all recorded, requests unaffected', async () => {
  flakyReceiver.answerWith(500);
  upstream.failNext(2, 500, { error: { message: 'boom', type: 'server_error', param: null, code: null } });
  assert.equal(await chat(), 502);
  assert.equal(await chat(), 502);

  // The breaker is open and its notification is being delivered: the hung webhook holds its
  // delivery for up to 2 × 3 s. Requests meanwhile are answered as usual, and at once.
  await flakyReceiver.waitFor((received) => received.length === 2);
  const during = await Promise.all(Array.from({ length: 10 }, () => chat()));
  // The breaker is open, so every try is a panic-mode attempt on the (now healthy) upstream.
  assert.deepEqual(during, Array(10).fill(200));
  const inProgress = await deliveries('?webhook=hung');
  assert.equal(inProgress.length, 1);
  assert.equal(inProgress[0].status, 'pending', 'the hung delivery was still in progress while requests were served');

  await gateway.gateway.alerts!.deliverer.idle();
  const [flaky] = await deliveries('?webhook=flaky');
  assert.equal(flaky.status, 'delivered');
  assert.equal(flaky.attempts, 2);
  assert.deepEqual(flaky.attempt_log.map((attempt) => attempt.status_code), [500, 200]);
  assert.deepEqual(flakyReceiver.received.map((entry) => entry.payload.id), [flaky.alert_id, flaky.alert_id], 'the retry carries the same id');

  const [down] = await deliveries('?webhook=down');
  assert.deepEqual([down.status, down.attempts, down.status_code, down.error], ['failed', 3, null, 'ECONNREFUSED']);
  assert.ok(down.failed_at !== null && down.delivered_at === null);

  const [hung] = await deliveries('?webhook=hung');
  assert.deepEqual([hung.status, hung.attempts, hung.error], ['failed', 2, 'timeout']);
  assert.equal(new Set([flaky.alert_id, down.alert_id, hung.alert_id]).size, 1, 'one notification, three deliveries');

  const failed = await deliveries('?status=failed');
  assert.deepEqual(failed.map((delivery) => delivery.webhook).sort(), ['down', 'hung']);
  assert.equal(await chat(), 200, 'the gateway is still serving');
});
