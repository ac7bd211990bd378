import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { admin } from '../admin/admin-test-client.js';
import { chat, createKey, startLimitsGateway } from '../limits/limit-test-support.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { logRecord } from './log-record-fixture.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;
let key: { secret: string; keyId: string; teamId: string };
const requestIds: string[] = [];

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
  gateway = await startLimitsGateway(upstream.url);
  key = await createKey(gateway);
  for (let index = 0; index < 5; index++) {
    const reply = await chat(gateway, key.secret, {}, { 'x-sluice-metadata': JSON.stringify({ run: index % 2 === 0 ? 'even' : 'odd' }) });
    assert.equal(reply.status, 200);
    requestIds.push(reply.headers.get('x-sluice-request-id')!);
  }
  // A record whose text would run as a spreadsheet formula, to check the CSV escaping.
  await gateway.gateway.store.insertRequestLogs([logRecord({ id: 'formula', at: '2020-01-01T00:00:00.000Z', user_agent: '=HYPERLINK("x")', metadata: { note: 'a,"b"' } })]);
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

test('GET /logs pages through the records newest first, with filters, and needs the admin token', async () => {
  const unauthenticated = await fetch(`${gateway.url}/admin/api/v1/logs`);
  assert.equal(unauthenticated.status, 401);
  const byKey = await admin(gateway, 'GET', `/logs?key_id=${key.keyId}&limit=2`);
  assert.equal(byKey.status, 200, byKey.text);
  assert.deepEqual(byKey.json.data.map((record: { id: string }) => record.id), requestIds.slice(-2).reverse());
  const second = await admin(gateway, 'GET', `/logs?key_id=${key.keyId}&limit=2&cursor=${byKey.json.next_cursor}`);
  assert.deepEqual(second.json.data.map((record: { id: string }) => record.id), requestIds.slice(1, 3).reverse());
  const odd = await admin(gateway, 'GET', '/logs?metadata_key=run&metadata_value=odd&status=200');
  assert.deepEqual(odd.json.data.map((record: { id: string }) => record.id).sort(), [requestIds[1], requestIds[3]].sort());
  assert.equal((await admin(gateway, 'GET', '/logs?cursor=nonsense')).status, 400);
  assert.equal((await admin(gateway, 'GET', '/logs?limit=5000')).status, 400);
  assert.equal((await admin(gateway, 'GET', '/logs?colour=red')).status, 400);
});

test('GET /logs/{id} returns one record or 404', async () => {
  const one = await admin(gateway, 'GET', `/logs/${requestIds[0]}`);
  assert.equal(one.status, 200);
  assert.equal(one.json.key_id, key.keyId);
  assert.deepEqual(one.json.metadata, { run: 'even' });
  assert.equal((await admin(gateway, 'GET', '/logs/does-not-exist')).status, 404);
});

test('GET /logs/export streams NDJSON and CSV of every matching record', async () => {
  const headers = { authorization: 'Bearer test-admin-token' };
  const ndjson = await fetch(`${gateway.url}/admin/api/v1/logs/export?key_id=${key.keyId}`, { headers });
  assert.equal(ndjson.status, 200);
  assert.match(ndjson.headers.get('content-type') ?? '', /ndjson/);
  const lines = (await ndjson.text()).trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(lines.map((record) => record.id), [...requestIds].reverse());
  const csv = await fetch(`${gateway.url}/admin/api/v1/logs/export?format=csv&to=2021-01-01`, { headers });
  assert.equal(csv.status, 200);
  const [header, row, end] = (await csv.text()).split('\r\n');
  assert.ok(header!.startsWith('id,at,key_id'));
  assert.ok(row!.startsWith('formula,2020-01-01T00:00:00.000Z,'));
  assert.ok(row!.includes(`"'=HYPERLINK(""x"")"`), row);
  assert.ok(row!.includes('"{""note"":""a,\\""b\\""""}"'), row);
  assert.equal(end, '');
  const bad = await fetch(`${gateway.url}/admin/api/v1/logs/export?format=xml`, { headers });
  assert.equal(bad.status, 400);
});
