import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin } from '../admin/admin-test-client.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import type { BudgetAlertEvent } from './limit-events.js';
import { awayFromMinuteBoundary, capturingLogger, chat, createKey, eventually, startLimitsGateway } from './limit-test-support.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
  // $1000 per 1M tokens: a request of ~20 tokens costs ~$0.02, so small budgets run out fast.
  gateway = await startLimitsGateway(upstream.url, { pricing: { 'openai/gpt-4o-mini': { input: 1000, output: 1000 } } });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

test('200 parallel requests against rpm=50: exactly 50 succeed, the rest get 429 rate_limit_exceeded', async () => {
  const { secret } = await createKey(gateway, { rpm: 50 });
  await awayFromMinuteBoundary();
  const replies = await Promise.all(Array.from({ length: 200 }, () => chat(gateway, secret)));
  const succeeded = replies.filter((reply) => reply.status === 200);
  const refused = replies.filter((reply) => reply.status === 429);
  assert.equal(succeeded.length, 50);
  assert.equal(refused.length, 150);
  // Each success saw a distinct remaining count: the counter was taken atomically.
  const remaining = succeeded.map((reply) => Number(reply.headers.get('x-ratelimit-remaining-requests'))).sort((a, b) => a - b);
  assert.deepEqual(remaining, Array.from({ length: 50 }, (_, index) => index));
  for (const reply of refused) {
    assert.equal(reply.json.error.code, 'rate_limit_exceeded');
    assert.equal(reply.json.error.type, 'rate_limit_error');
    assert.match(reply.json.error.message, /50 requests per minute/);
    assert.ok(Number(reply.headers.get('retry-after')) >= 1);
    assert.equal(reply.headers.get('x-ratelimit-limit-requests'), '50');
    assert.equal(reply.headers.get('x-ratelimit-remaining-requests'), '0');
  }
});

test('the headers describe the tightest limit: the one with the least left, for requests and tokens', async () => {
  const { tenancy } = gateway.gateway;
  const team = await tenancy.createTeam({ name: 'tightest', limits: { rpm: 20, tpm: 50_000 } });
  const busy = await tenancy.createKey({ name: 'busy', team_id: team.id });
  const careful = await tenancy.createKey({ name: 'careful', team_id: team.id, limits: { rpm: 10, tpm: 40_000 } });
  await awayFromMinuteBoundary();
  for (let index = 0; index < 15; index += 1) assert.equal((await chat(gateway, busy.secret)).status, 200);
  const reply = await chat(gateway, careful.secret, { max_tokens: 100 });
  assert.equal(reply.status, 200, reply.text);
  // The key has 9 of 10 left, the team 4 of 20: the team's limit is the tighter one.
  assert.equal(reply.headers.get('x-ratelimit-limit-requests'), '20');
  assert.equal(reply.headers.get('x-ratelimit-remaining-requests'), '4');
  assert.match(reply.headers.get('x-ratelimit-reset-requests') ?? '', /^\d+m\d+s$/);
  // Tokens: the key's 40000 with one estimate counted is tighter than the team's 50000 with 16.
  assert.equal(reply.headers.get('x-ratelimit-limit-tokens'), '40000');
  const remainingTokens = Number(reply.headers.get('x-ratelimit-remaining-tokens'));
  assert.ok(remainingTokens < 40_000 - 100 && remainingTokens > 40_000 - 200, `estimate counted before the call: ${remainingTokens}`);
  const unlimited = await createKey(gateway);
  assert.equal((await chat(gateway, unlimited.secret)).headers.get('x-ratelimit-limit-requests'), null, 'no limit, no headers');
});

test('token limits: estimated before the call, reconciled with the real usage after', async () => {
  const { secret } = await createKey(gateway, { tpm: 1000 });
  // Each estimate is the prompt (~10) + max_tokens 600; the real usage is ~10 tokens.
  assert.equal((await chat(gateway, secret, { max_tokens: 600 })).status, 200);
  // Without reconciliation 610 + 610 would exceed 1000.
  const second = await chat(gateway, secret, { max_tokens: 600 });
  assert.equal(second.status, 200, second.text);
  const tooLarge = await chat(gateway, secret, { max_tokens: 5000 });
  assert.equal(tooLarge.status, 429);
  assert.equal(tooLarge.json.error.code, 'rate_limit_exceeded');
  assert.match(tooLarge.json.error.message, /this request alone needs/);
});

test('max_parallel: a slot is held for the whole request and freed on success, error and disconnect', async () => {
  const { secret } = await createKey(gateway, { max_parallel: 2 });
  upstream.delayMs = 200;
  try {
    const replies = await Promise.all([chat(gateway, secret), chat(gateway, secret), chat(gateway, secret)]);
    assert.deepEqual(replies.map((reply) => reply.status).sort(), [200, 200, 429]);
    assert.match(replies.find((reply) => reply.status === 429)!.json.error.message, /2 requests in flight/);
  } finally {
    upstream.delayMs = 0;
  }
  upstream.failNext(2, 500, { error: { message: 'boom', type: 'server_error' } });
  assert.equal((await chat(gateway, secret)).status, 502);
  assert.equal((await chat(gateway, secret)).status, 502);
  // Clients that leave mid-request: the upstream would take 5 s, but their slots are freed
  // when they disconnect (the upstream call is cancelled and the finishers run).
  upstream.delayMs = 5_000;
  const controller = new AbortController();
  const left = [1, 2].map(() =>
    fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      signal: controller.signal,
    }).catch(() => undefined),
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  controller.abort();
  await Promise.all(left);
  upstream.delayMs = 0;
  await eventually(async () => (await chat(gateway, secret)).status === 200);
  const both = await Promise.all([chat(gateway, secret), chat(gateway, secret)]);
  assert.deepEqual(both.map((reply) => reply.status), [200, 200], 'no slot leaked');
});

test('a budget reached mid-stream: the stream completes, the next request is refused with budget_exceeded', async () => {
  const alerts: BudgetAlertEvent[] = [];
  const listener = (event: BudgetAlertEvent) => alerts.push(event);
  gateway.gateway.limits.events.on('budget_alert', listener);
  try {
    const { secret, keyId } = await createKey(gateway, { budget_usd: 0.01, budget_period: 'day' });
    const stream = await chat(gateway, secret, { stream: true, messages: [{ role: 'user', content: 'tell me a long story please' }] });
    assert.equal(stream.status, 200);
    assert.ok(stream.text.trimEnd().endsWith('data: [DONE]'), 'the stream ran to its end');
    assert.match(stream.text, /story/);
    const refused = await chat(gateway, secret);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.json.error.code, 'budget_exceeded');
    assert.match(refused.json.error.message, /daily budget/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    const untilMidnight = Math.ceil((Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1) - Date.now()) / 1000);
    assert.ok(Math.abs(retryAfter - untilMidnight) <= 2, `retry-after ${retryAfter} points at the end of the UTC day (${untilMidnight})`);
    const mine = alerts.filter((event) => event.id === keyId);
    assert.deepEqual(mine.map((event) => event.level).sort(), ['alert', 'exceeded'], 'each threshold fired once');
    const budgets = await admin(gateway, 'GET', '/usage/budgets');
    const entry = budgets.json.data.find((item: { id: string }) => item.id === keyId);
    assert.equal(entry.status, 'exceeded');
    assert.equal(entry.period, 'day');
    assert.ok(entry.spend_usd > 0.01 && entry.remaining_usd === 0);
  } finally {
    gateway.gateway.limits.events.off('budget_alert', listener);
  }
});

test('route and gateway limits apply to every caller, and name themselves when they refuse', async () => {
  const limited = await startLimitsGateway(upstream.url, {
    limits: { rpm: 3 },
    routes: { chat: { targets: [{ model: 'openai/gpt-4o-mini' }], limits: { rpm: 2 } } },
  });
  try {
    const first = await createKey(limited);
    const second = await createKey(limited);
    await awayFromMinuteBoundary();
    assert.equal((await chat(limited, first.secret, { model: 'chat' })).status, 200);
    assert.equal((await chat(limited, second.secret, { model: 'chat' })).status, 200);
    const byRoute = await chat(limited, first.secret, { model: 'chat' });
    assert.equal(byRoute.status, 429);
    assert.match(byRoute.json.error.message, /route "chat"/);
    assert.equal((await chat(limited, first.secret)).status, 200, 'the model directly is not the route');
    const byGateway = await chat(limited, second.secret);
    assert.equal(byGateway.status, 429);
    assert.match(byGateway.json.error.message, /the gateway: 3 requests per minute/);
  } finally {
    await limited.close();
  }
});

test('soft threshold: one alert event and one log line when a budget passes alert_threshold', async () => {
  const { logger, lines } = capturingLogger();
  const alerting = await startLimitsGateway(upstream.url, { limits: { alert_threshold: 0.5 } }, logger);
  try {
    const alerts: BudgetAlertEvent[] = [];
    alerting.gateway.limits.events.on('budget_alert', (event) => alerts.push(event));
    const { secret } = await createKey(alerting, {}, { budget_usd: 1, budget_period: 'month' });
    const cost = (usd: string) => chat(alerting, secret, {}, { 'x-sluice-custom-cost': usd });
    assert.equal((await cost('0.3')).status, 200);
    assert.equal(alerts.length, 0);
    assert.equal((await cost('0.3')).status, 200);
    await eventually(() => alerts.length === 1);
    assert.deepEqual([alerts[0].level, alerts[0].scope, alerts[0].period, alerts[0].threshold], ['alert', 'team', 'month', 0.5]);
    assert.equal((await cost('0.3')).status, 200);
    assert.equal(alerts.length, 1, 'no second alert in the same period');
    assert.ok(lines.some((line) => line.level === 40 && /budget alert: team ".*" reached 50% of its budget/.test(String(line.msg))));
    await cost('0.2');
    await eventually(() => alerts.length === 2);
    assert.equal(alerts[1].level, 'exceeded');
    assert.equal((await cost('0.01')).json.error.code, 'budget_exceeded');
  } finally {
    await alerting.close();
  }
});

test('budgets survive a restart of the embedded gateway (spend rebuilt from the store)', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-limits-'));
  const storage = `sqlite:${join(directory, 'sluice.db')}`;
  const extra = { storage, pricing: { 'openai/gpt-4o-mini': { input: 1000, output: 1000 } } };
  try {
    const first = await startLimitsGateway(upstream.url, extra);
    const { secret } = await createKey(first, { budget_usd: 0.01, budget_period: 'month' });
    assert.equal((await chat(first, secret)).status, 200);
    assert.equal((await chat(first, secret)).status, 429);
    await first.close();
    const second = await startLimitsGateway(upstream.url, extra);
    try {
      const reply = await chat(second, secret);
      assert.equal(reply.status, 429, reply.text);
      assert.equal(reply.json.error.code, 'budget_exceeded');
    } finally {
      await second.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('native requests count against request limits too, in the provider\'s error shape', async () => {
  const { secret } = await createKey(gateway, { rpm: 1 });
  const call = () =>
    fetch(`${gateway.url}/native/openai/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    });
  const first = await call();
  await first.arrayBuffer();
  assert.equal(first.status, 200);
  assert.equal(first.headers.get('x-ratelimit-remaining-requests'), '0');
  const second = await call();
  assert.equal(second.status, 429);
  assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'rate_limit_exceeded');
});
