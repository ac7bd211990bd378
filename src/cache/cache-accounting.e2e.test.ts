import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin } from '../admin/admin-test-client.js';
import { chat, createKey, eventually, startLimitsGateway } from '../limits/limit-test-support.js';
import { parsePrometheusText, type PrometheusSample } from '../observability/prometheus-text.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
  gateway = await startLimitsGateway(upstream.url, {
    routes: { cached: { targets: [{ model: 'openai/gpt-4o-mini' }], cache: { ttl: 60 } } },
    pricing: { 'openai/gpt-4o-mini': { input: 1000, output: 2000 } },
  });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

const sum = (samples: PrometheusSample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)).reduce((total, sample) => total + sample.value, 0);

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'cached', messages: [{ role: 'user', content }], ...extra });

test('a hit is a request with zero cost in the usage API, counted as a hit with the cost it saved; logged and in /metrics', async () => {
  const key = await createKey(gateway);
  const miss = await chat(gateway, key.secret, ask('accounting'));
  assert.equal(miss.headers.get('x-sluice-cache-status'), 'MISS');
  const hits = [await chat(gateway, key.secret, ask('accounting')), await chat(gateway, key.secret, ask('accounting', { stream: true }))];
  assert.deepEqual(hits.map((hit) => hit.headers.get('x-sluice-cache-status')), ['HIT', 'HIT']);
  const { prompt_tokens: prompt, completion_tokens: completion } = miss.json.usage;
  const cost = (prompt * 1000 + completion * 2000) / 1e6;

  await gateway.gateway.usage.recorder.flush();
  const usage = await admin(gateway, 'GET', `/usage?group_by=key&key_id=${key.keyId}`);
  assert.equal(usage.status, 200, usage.text);
  const row = usage.json.data[0];
  assert.deepEqual([row.requests, row.cache_hits, row.total_tokens], [3, 2, prompt + completion]);
  assert.ok(Math.abs(row.cost_usd - cost) < 1e-12, 'only the miss cost anything');
  assert.ok(Math.abs(row.cost_saved_usd - 2 * cost) < 1e-12, 'each hit saved what the miss cost');
  assert.ok(Math.abs(usage.json.totals.cost_saved_usd - 2 * cost) < 1e-12);

  await gateway.gateway.logs.writer.flush();
  const hitLog = await admin(gateway, 'GET', `/logs/${hits[0].headers.get('x-sluice-request-id')}`);
  assert.equal(hitLog.status, 200, hitLog.text);
  const record = hitLog.json.data ?? hitLog.json;
  assert.equal(record.cache_status, 'HIT');
  assert.ok(Math.abs(record.cost_saved_usd - cost) < 1e-12);
  const missLog = await admin(gateway, 'GET', `/logs/${miss.headers.get('x-sluice-request-id')}`);
  assert.equal((missLog.json.data ?? missLog.json).cost_saved_usd, null);

  const scraped = parsePrometheusText(await (await fetch(`${gateway.url}/metrics`)).text());
  assert.equal(scraped.types.get('sluice_cache_cost_saved_usd_total'), 'counter');
  assert.ok(Math.abs(sum(scraped.samples, 'sluice_cache_cost_saved_usd_total') - 2 * cost) < 1e-12);
  assert.equal(sum(scraped.samples, 'sluice_cache_requests_total', { status: 'HIT' }), 2);
  assert.equal(sum(scraped.samples, 'sluice_cache_requests_total', { status: 'MISS' }), 1);
  assert.ok(Math.abs(sum(scraped.samples, 'sluice_cache_hit_ratio') - 2 / 3) < 1e-9);
});

test('hits count toward neither the token-per-minute limit nor budget spend', async () => {
  const first = await chat(gateway, (await createKey(gateway)).secret, ask('limits probe'));
  const perRequest = first.json.usage.total_tokens as number;
  // Room for the miss and about two more answers' worth: ten hits would exceed it if they counted.
  const key = await createKey(gateway, { tpm: perRequest * 3, budget_usd: 100 });
  const miss = await chat(gateway, key.secret, ask('limits'));
  assert.equal(miss.headers.get('x-sluice-cache-status'), 'MISS');
  const spendOf = async () => {
    const budgets = await admin(gateway, 'GET', '/usage/budgets');
    return budgets.json.data.find((entry: { id: string }) => entry.id === key.keyId).spend_usd as number;
  };
  await eventually(async () => (await spendOf()) > 0);
  const spentByMiss = await spendOf();
  for (let index = 0; index < 10; index += 1) {
    const hit = await chat(gateway, key.secret, ask('limits'));
    assert.equal(hit.status, 200, `hit ${index}: ${hit.text}`);
    assert.equal(hit.headers.get('x-sluice-cache-status'), 'HIT');
  }
  // The limits settle in a finisher just after each response: the last hit's included.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await spendOf(), spentByMiss);
  const fresh = await chat(gateway, key.secret, ask('limits, but new'));
  assert.equal(fresh.status, 200, 'the tokens the hits did not spend are still there');
  const remaining = Number(fresh.headers.get('x-ratelimit-remaining-tokens'));
  // 3 answers' worth, less the miss and this request's estimate (its prompt, less than an answer).
  assert.ok(remaining > perRequest, `remaining ${remaining}`);
});
