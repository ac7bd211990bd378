import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { adminToken, chat, createKey, startLimitsGateway } from '../limits/limit-test-support.js';
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

interface Scrape {
  types: Map<string, string>;
  samples: PrometheusSample[];
}

/**
 * A scrape through the strict text-format parser of prometheus-text.ts, plus what the format
 * requires of histograms: cumulative buckets ending in +Inf, and `_count` equal to that bucket.
 * (parse-prometheus-text-format, the npm parser for this, accepts malformed lines and merges
 * labelled histogram series into one, so it cannot check this output.)
 */
async function scrape(headers: Record<string, string> = {}): Promise<Scrape> {
  const response = await fetch(`${gateway.url}/metrics`, { headers });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const parsed = parsePrometheusText(await response.text());
  for (const [family, type] of parsed.types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, { buckets: Array<[number, number]>; count?: number }>();
    const seriesOf = (labels: Record<string, string>) => {
      const id = JSON.stringify(Object.entries(labels).filter(([name]) => name !== 'le').sort());
      if (!series.has(id)) series.set(id, { buckets: [] });
      return series.get(id)!;
    };
    for (const sample of parsed.samples) {
      if (sample.name === `${family}_bucket`) seriesOf(sample.labels).buckets.push([sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le), sample.value]);
      if (sample.name === `${family}_count`) seriesOf(sample.labels).count = sample.value;
    }
    for (const [id, { buckets, count }] of series) {
      buckets.sort(([a], [b]) => a - b);
      assert.ok(buckets.every(([, value], index) => index === 0 || value >= buckets[index - 1]![1]), `${family}${id}: buckets are cumulative`);
      assert.equal(buckets.at(-1)?.[0], Infinity, `${family}${id}: ends with le="+Inf"`);
      assert.equal(buckets.at(-1)?.[1], count, `${family}${id}: the +Inf bucket equals _count`);
    }
  }
  return parsed;
}

/** Sum of the samples named `name` whose labels include `wanted`. */
function sum({ samples }: Scrape, name: string, wanted: Record<string, string> = {}): number {
  return samples.filter((sample) => sample.name === name && Object.entries(wanted).every(([key, value]) => sample.labels[key] === value)).reduce((total, sample) => total + sample.value, 0);
}

test('/metrics parses as Prometheus text and counts requests, tokens, cost, rejections and breakers', async () => {
  const key = await createKey(gateway, { rpm: 2 });
  for (let index = 0; index < 2; index++) assert.equal((await chat(gateway, key.secret, { model: 'smart' })).status, 200);
  const refused = await chat(gateway, key.secret, { model: 'smart' });
  assert.equal(refused.status, 429);
  assert.equal((await chat(gateway, 'sk-sluice-nope')).status, 401);
  const families = await scrape();
  const typeOf = (name: string) => families.types.get(name);
  assert.equal(typeOf('sluice_requests_total'), 'counter');
  assert.equal(typeOf('sluice_request_duration_seconds'), 'histogram');
  assert.equal(typeOf('sluice_time_to_first_token_seconds'), 'histogram');
  assert.equal(typeOf('sluice_requests_in_flight'), 'gauge');
  assert.equal(typeOf('sluice_log_queue_depth'), 'gauge');
  assert.equal(typeOf('sluice_log_records_dropped_total'), 'counter');
  assert.equal(typeOf('sluice_rate_limit_rejections_total'), 'counter');
  assert.equal(typeOf('sluice_breaker_state'), 'gauge');
  const requestLabels = families.samples.filter((sample) => sample.name === 'sluice_requests_total').map((sample) => Object.keys(sample.labels).sort().join(','));
  assert.ok(requestLabels.every((labels) => labels === 'cache,endpoint,model,provider,route,status'), `request labels: ${[...new Set(requestLabels)].join(' | ')}`);
  assert.equal(sum(families, 'sluice_requests_total', { route: 'smart', status: '200', model: 'openai/gpt-4o-mini', provider: 'openai', cache: 'none' }), 2);
  assert.equal(sum(families, 'sluice_requests_total', { status: '429' }), 1);
  assert.equal(sum(families, 'sluice_requests_total', { status: '401' }), 1);
  assert.equal(sum(families, 'sluice_request_duration_seconds_count', { route: 'smart', status: '200', provider: 'openai', cache: 'none' }), 2);
  assert.equal(sum(families, 'sluice_time_to_first_token_seconds_count', { provider: 'openai', model: 'openai/gpt-4o-mini' }), 2);
  assert.ok(sum(families, 'sluice_tokens_total', { kind: 'prompt' }) > 0);
  assert.ok(sum(families, 'sluice_tokens_total', { kind: 'completion' }) > 0);
  assert.ok(sum(families, 'sluice_cost_usd_total', { provider: 'openai' }) > 0);
  assert.equal(sum(families, 'sluice_rate_limit_rejections_total', { code: 'rate_limit_exceeded', scope: 'key' }), 1);
  assert.equal(sum(families, 'sluice_breaker_state', { target: 'dead/m', state: 'open' }), 1);
  assert.equal(sum(families, 'sluice_breaker_state', { target: 'openai/gpt-4o-mini', state: 'closed' }), 1);
  assert.equal(sum(families, 'sluice_requests_in_flight'), 0);
  assert.equal(sum(families, 'sluice_log_records_dropped_total'), 0);
  assert.ok(!families.samples.some((sample) => 'key' in sample.labels), 'no key ids unless metrics.key_labels is on');
  // Written by the scrape's time the log stage has run for every answered request.
  await gateway.gateway.logs.writer.flush();
  assert.equal(sum(await scrape(), 'sluice_log_records_written_total'), 4);
});

test('/metrics is open by default; metrics.token or require_auth ask for a bearer token', async () => {
  assert.equal((await fetch(`${gateway.url}/metrics`)).status, 200, 'the default: no credential needed');
  const withToken = await startLimitsGateway(upstream.url, { metrics: { token: 'scrape-secret' } });
  const adminOnly = await startLimitsGateway(upstream.url, { metrics: { require_auth: true } });
  const emptyToken = await startLimitsGateway(upstream.url, { metrics: { token: '' } });
  try {
    const get = (target: RunningGateway, authorization?: string) => fetch(`${target.url}/metrics`, { headers: authorization ? { authorization } : {} });
    const missing = await get(withToken);
    assert.equal(missing.status, 401);
    assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="metrics"');
    const body = (await missing.json()) as { error: { type: string; code: string; message: string } };
    assert.equal(body.error.code, 'invalid_metrics_token');
    assert.equal(body.error.type, 'authentication_error');
    assert.doesNotMatch(body.error.message, /scrape-secret/);
    assert.equal((await get(withToken, 'Bearer wrong')).status, 401);
    assert.equal((await get(withToken, 'Basic c2NyYXBlLXNlY3JldA==')).status, 401, 'only a bearer token is read');
    const scraped = await get(withToken, 'Bearer scrape-secret');
    assert.equal(scraped.status, 200);
    assert.match(await scraped.text(), /# TYPE sluice_requests_total counter/);
    assert.equal((await get(withToken, `Bearer ${adminToken}`)).status, 200, 'the admin token is accepted too');
    assert.equal((await get(adminOnly)).status, 401);
    assert.equal((await get(adminOnly, 'Bearer scrape-secret')).status, 401);
    assert.equal((await get(adminOnly, `Bearer ${adminToken}`)).status, 200);
    assert.equal((await get(emptyToken)).status, 200, 'an empty token (an unset ${VAR:-}) leaves it open');
  } finally {
    await Promise.all([withToken.close(), adminOnly.close(), emptyToken.close()]);
  }
});

test('the text parser rejects what Prometheus would reject', () => {
  assert.throws(() => parsePrometheusText('sluice_x 1\n'), /before its TYPE/);
  assert.throws(() => parsePrometheusText('# TYPE a counter\na{b="c} 1\n'), /bad/);
  assert.throws(() => parsePrometheusText('# TYPE a counter\na one\n'), /bad value/);
  assert.deepEqual(parsePrometheusText('# TYPE a counter\na{b="x\\"y",c="z"} 2\n').samples, [{ name: 'a', labels: { b: 'x"y', c: 'z' }, value: 2 }]);
});
