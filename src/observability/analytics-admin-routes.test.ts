import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin, assertAdminError } from '../admin/admin-test-client.js';
import { chat, createKey, startLimitsGateway } from '../limits/limit-test-support.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;
let key: { secret: string; keyId: string; teamId: string };

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
  gateway = await startLimitsGateway(upstream.url, { routes: { smart: { targets: [{ model: 'openai/gpt-4o-mini' }] } } });
  key = await createKey(gateway);
  for (let index = 0; index < 3; index++) assert.equal((await chat(gateway, key.secret)).status, 200);
  assert.equal((await chat(gateway, key.secret, { model: 'smart' })).status, 200);
  assert.equal((await chat(gateway, key.secret, { model: 'openai/gpt-4o-mini', messages: 'not a list' })).status, 400);
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

test('GET /analytics counts the requests just answered (queue flushed first), by model and by route', async () => {
  const byModel = await admin(gateway, 'GET', `/analytics?interval=minute&group_by=model&key_id=${key.keyId}`);
  assert.equal(byModel.status, 200, byModel.text);
  assert.equal(byModel.json.group_by, 'model');
  assert.equal(byModel.json.buckets.length, 61);
  const totals = Object.fromEntries(byModel.json.series.map((series: { group: string; requests: number }) => [series.group, series.requests]));
  assert.deepEqual(totals, { 'openai/gpt-4o-mini': 4, null: 1 }, 'the route resolved to the served model; the 400 came before any model was read');
  const errors = (group: string | null) => byModel.json.series
    .find((series: { group: string | null }) => series.group === group)
    .points.reduce((sum: number, point: { errors: number }) => sum + point.errors, 0);
  assert.equal(errors('openai/gpt-4o-mini'), 0);
  assert.equal(errors(null), 1);
  const served = byModel.json.series[0].points.filter((point: { requests: number }) => point.requests > 0);
  assert.ok(served.every((point: { latency_p50_ms: number; error_rate: number }) => point.latency_p50_ms > 0 && point.error_rate === 0));
  const byRoute = await admin(gateway, 'GET', `/analytics?interval=hour&group_by=route&key_id=${key.keyId}`);
  assert.deepEqual(byRoute.json.series.map((series: { group: string | null; requests: number }) => [series.group, series.requests]), [[null, 4], ['smart', 1]]);
});

test('GET /analytics needs the admin token and answers bad queries with a 400 naming the parameter', async () => {
  assert.equal((await admin(gateway, 'GET', '/analytics', undefined, null)).status, 401);
  assertAdminError(await admin(gateway, 'GET', '/analytics?interval=fortnight'), 400, 'invalid_value', 'interval');
  assertAdminError(await admin(gateway, 'GET', '/analytics?group_by=user'), 400, 'invalid_value', 'group_by');
  assertAdminError(await admin(gateway, 'GET', '/analytics?interval=minute&from=2026-01-01'), 400, 'too_many_buckets', 'from');
  assertAdminError(await admin(gateway, 'GET', '/analytics?from=2026-01-02&to=2026-01-01'), 400, 'invalid_value', 'from');
  assertAdminError(await admin(gateway, 'GET', '/analytics?team=x'), 400, 'invalid_value', 'team');
});

test('openapi.json describes the analytics query and its response', async () => {
  const document = (await admin(gateway, 'GET', '/openapi.json', undefined, null)).json;
  const operation = document.paths['/analytics'].get;
  assert.equal(operation.responses['200'].content['application/json'].schema.$ref, '#/components/schemas/Analytics');
  assert.ok(operation.responses['400']);
  const parameters = operation.parameters.map((parameter: { name: string }) => parameter.name).sort();
  assert.deepEqual(parameters, ['from', 'group_by', 'interval', 'key_id', 'limit', 'model', 'provider', 'route', 'team_id', 'to']);
  const point = document.components.schemas.Analytics.properties.series.items.properties.points.items;
  assert.ok(point.properties.latency_p99_ms && point.properties.feedback_mean_score && point.properties.cache_hit_ratio);
  assert.ok(document.components.schemas.RequestLogDetail.properties.feedback);
});
