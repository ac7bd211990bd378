import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chat, createKey, startLimitsGateway } from '../limits/limit-test-support.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startAlertReceiver, type AlertReceiver } from './alert-test-receiver.js';

let upstream: FakeUpstreamControls;
let receiver: AlertReceiver;
let gateway: RunningGateway;

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
  receiver = await startAlertReceiver();
  gateway = await startLimitsGateway(upstream.url, {
    // $1000 per 1M tokens: each request of ~20 tokens costs ~$0.02.
    pricing: { 'openai/gpt-4o-mini': { input: 1000, output: 1000 } },
    alerts: {
      webhooks: { finance: { url: `${receiver.url}/budget` } },
      // 0.5 is not limits.alert_threshold (0.8): the limits must fire at the rule's fraction too.
      rules: { 'team-half-spent': { type: 'budget', threshold: 0.5, scope: ['team'], webhook: 'finance' } },
    },
  });
});

after(async () => {
  await gateway.close();
  await upstream.close();
  await receiver.close();
});

test('a team budget crossing the rule\'s fraction is delivered once, with the spend', async () => {
  // Each request is 8 prompt + 2 completion tokens at $1000 per 1M: $0.01. Budgets of $0.05:
  // the 0.5 line ($0.025) is crossed by the third request.
  const watched = await createKey(gateway, {}, { budget_usd: 0.05, budget_period: 'month' });
  const other = await createKey(gateway, { budget_usd: 0.05, budget_period: 'month' });
  // The other key crosses half of its own budget: a key scope, which the rule does not watch.
  for (let index = 0; index < 4; index += 1) assert.equal((await chat(gateway, other.secret)).status, 200);
  for (let index = 0; index < 2; index += 1) assert.equal((await chat(gateway, watched.secret)).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await gateway.gateway.alerts!.deliverer.idle();
  assert.equal(receiver.received.length, 0, 'nothing before the line is crossed');

  assert.equal((await chat(gateway, watched.secret)).status, 200);
  const [alert] = await receiver.waitFor((received) => received.length === 1);
  const team = await gateway.gateway.tenancy.getTeam(watched.teamId);
  assert.equal(alert.payload.type, 'budget');
  assert.equal(alert.payload.status, 'firing');
  assert.equal(alert.payload.rule, 'team-half-spent');
  assert.equal(alert.payload.subject, `team:${team.name}`);
  assert.equal(alert.payload.threshold, 0.5);
  assert.equal(alert.payload.value, 0.6);
  assert.equal(alert.payload.details.id, watched.teamId);
  assert.equal(alert.payload.details.budget_usd, 0.05);
  assert.equal(alert.payload.details.spend_usd, 0.03);
  assert.match(String(alert.payload.details.period_key), /^month:\d{4}-\d{2}$/);
  // Crossing limits.alert_threshold (0.8) and then the budget itself: no rule watches those lines.
  assert.equal((await chat(gateway, watched.secret)).status, 200);
  assert.equal((await chat(gateway, watched.secret)).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await gateway.gateway.alerts!.deliverer.idle();
  assert.equal(receiver.received.length, 1);
});
