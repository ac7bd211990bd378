import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chat, createKey, startLimitsGateway } from '../limits/limit-test-support.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { parsePrometheusText, type PrometheusSample } from './prometheus-text.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
  gateway = await startLimitsGateway(upstream.url, {
    providers: { openai: { type: 'openai', base_url: `${upstream.url}/v1` }, dead: { type: 'openai', base_url: 'http://127.0.0.1:9/v1' } },
    routes: { smart: { targets: [{ model: 'dead/m' }, { model: 'openai/gpt-4o-mini' }], breaker: { failures: 1, cooldown_ms: 60_000 } } },
    pricing: { 'openai/gpt-4o-mini': { input: 1, output: 2 } },
  });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

async function scrape(): Promise<{ types: Map<string, string>; samples: PrometheusSample[] }> {
  const response = await fetch(`${gateway.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
  return parsePrometheusText(await response.text());
}

const sum = (samples: PrometheusSample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)).reduce((total, sample) => total + sample.value, 0);

test('/metrics parses as Prometheus text and counts requests, tokens, cost, rejections and breakers', async () => {
  const key = await createKey(gateway, { rpm: 2 });
  for (let index = 0; index < 2; index++) assert.equal((await chat(gateway, key.secret, { model: 'smart' })).status, 200);
  const refused = await chat(gateway, key.secret, { model: 'smart' });
  assert.equal(refused.status, 429);
  assert.equal((await chat(gateway, 'sk-sluice-nope')).status, 401);
  const { types, samples } = await scrape();
  assert.equal(types.get('sluice_requests_total'), 'counter');
  assert.equal(types.get('sluice_request_duration_seconds'), 'histogram');
  assert.equal(sum(samples, 'sluice_requests_total', { route: 'smart', status: '200', model: 'openai/gpt-4o-mini' }), 2);
  assert.equal(sum(samples, 'sluice_requests_total', { status: '429' }), 1);
  assert.equal(sum(samples, 'sluice_requests_total', { status: '401' }), 1);
  assert.equal(sum(samples, 'sluice_request_duration_seconds_count', { route: 'smart', status: '200' }), 2);
  assert.ok(sum(samples, 'sluice_tokens_total', { kind: 'prompt' }) > 0);
  assert.ok(sum(samples, 'sluice_cost_usd_total') > 0);
  assert.equal(sum(samples, 'sluice_rate_limit_rejections_total', { code: 'rate_limit_exceeded', scope: 'key' }), 1);
  assert.equal(sum(samples, 'sluice_breaker_state', { target: 'dead/m', state: 'open' }), 1);
  assert.equal(sum(samples, 'sluice_breaker_state', { target: 'openai/gpt-4o-mini', state: 'closed' }), 1);
  assert.equal(sum(samples, 'sluice_requests_in_flight'), 0);
  assert.ok(types.has('sluice_log_queue_depth') && types.has('sluice_log_records_dropped_total'));
  assert.ok(!samples.some((sample) => 'key' in sample.labels), 'no key ids unless metrics.key_labels is on');
  // Written by the scrape's time the log stage has run for every answered request.
  await gateway.gateway.logs.writer.flush();
  assert.equal(sum((await scrape()).samples, 'sluice_log_records_written_total'), 4);
});

test('the text parser rejects what Prometheus would reject', () => {
  assert.throws(() => parsePrometheusText('sluice_x 1\n'), /before its TYPE/);
  assert.throws(() => parsePrometheusText('# TYPE a counter\na{b="c} 1\n'), /bad/);
  assert.throws(() => parsePrometheusText('# TYPE a counter\na one\n'), /bad value/);
  assert.deepEqual(parsePrometheusText('# TYPE a counter\na{b="x\\"y",c="z"} 2\n').samples, [{ name: 'a', labels: { b: 'x"y', c: 'z' }, value: 2 }]);
});
