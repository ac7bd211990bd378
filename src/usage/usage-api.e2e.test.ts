import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin } from '../admin/admin-test-client.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { chat, createKey, startLimitsGateway } from '../limits/limit-test-support.js';
import { utcDay } from '../limits/calendar-periods.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;
let alpha: { secret: string; keyId: string; teamId: string };
let beta: { secret: string; keyId: string; teamId: string };

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
  gateway = await startLimitsGateway(upstream.url, {
    providers: {
      openai: { type: 'openai', base_url: `${upstream.url}/v1` },
      other: { type: 'openai', base_url: `${upstream.url}/v1` },
    },
    pricing: { 'openai/gpt-4o-mini': { input: 1, output: 2 }, 'openai/text-embedding-3-small': { input: 0.02, output: 0 } },
  });
  alpha = await createKey(gateway);
  beta = await createKey(gateway);
  // alpha: two priced chats; beta: one unpriced chat, one priced by its own header, one embedding.
  for (let index = 0; index < 2; index += 1) assert.equal((await chat(gateway, alpha.secret)).status, 200);
  assert.equal((await chat(gateway, beta.secret, { model: 'other/llama' })).status, 200);
  assert.equal((await chat(gateway, beta.secret, { model: 'other/llama' }, { 'x-sluice-custom-cost': '0.5' })).status, 200);
  const embedding = await fetch(`${gateway.url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${beta.secret}` },
    body: JSON.stringify({ model: 'openai/text-embedding-3-small', input: ['one two three', 'four five'] }),
  });
  assert.equal(embedding.status, 200, await embedding.text());
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

interface Row {
  group: string;
  name: string | null;
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
  unpriced_requests: number;
}

test('group_by key: requests, tokens and cost per key, with its name, most expensive first', async () => {
  const reply = await admin(gateway, 'GET', '/usage?group_by=key');
  assert.equal(reply.status, 200, reply.text);
  const rows = reply.json.data as Row[];
  const a = rows.find((row) => row.group === alpha.keyId)!;
  const b = rows.find((row) => row.group === beta.keyId)!;
  assert.equal(a.requests, 2);
  assert.ok(a.name?.startsWith('key-'));
  // $1 input / $2 output per 1M tokens.
  assert.ok(Math.abs(a.cost_usd - (a.prompt_tokens * 1 + a.completion_tokens * 2) / 1e6) < 1e-12);
  assert.equal(b.requests, 3);
  assert.equal(b.unpriced_requests, 1, 'the chat on an unknown server has no price');
  assert.ok(b.cost_usd > 0.5 && b.cost_usd < 0.501, 'the header total plus the embedding');
  assert.deepEqual(rows.map((row) => row.group).slice(0, 1), [beta.keyId]);
  assert.equal(reply.json.totals.requests, 5);
  assert.equal(reply.json.to, utcDay(Date.now()));
});

test('group_by model, provider and team; embeddings count their input tokens', async () => {
  const byModel = (await admin(gateway, 'GET', '/usage?group_by=model')).json.data as Row[];
  const embeddings = byModel.find((row) => row.group === 'openai/text-embedding-3-small')!;
  // The fake upstream counts words: 3 + 2.
  assert.deepEqual([embeddings.requests, embeddings.prompt_tokens, embeddings.completion_tokens], [1, 5, 0]);
  assert.ok(Math.abs(embeddings.cost_usd - 5 * 0.02e-6) < 1e-15);
  const byProvider = (await admin(gateway, 'GET', '/usage?group_by=provider')).json.data as Row[];
  assert.deepEqual(byProvider.map((row) => [row.group, row.requests]).sort(), [['openai', 3], ['other', 2]]);
  const byTeam = (await admin(gateway, 'GET', `/usage?group_by=team&team_id=${alpha.teamId}`)).json;
  assert.deepEqual(byTeam.data.map((row: Row) => [row.group, row.requests]), [[alpha.teamId, 2]]);
  assert.equal(byTeam.totals.requests, 2);
});

test('from/to select whole UTC days; bad ranges are 400s', async () => {
  const today = utcDay(Date.now());
  const yesterday = utcDay(Date.now() - 86_400_000);
  assert.equal((await admin(gateway, 'GET', `/usage?from=${yesterday}&to=${yesterday}`)).json.totals.requests, 0);
  const timestamps = await admin(gateway, 'GET', `/usage?from=${today}T00:00:00Z&to=${new Date().toISOString()}`);
  assert.equal(timestamps.json.totals.requests, 5);
  for (const query of ['from=2026-13-45', 'from=yesterday', `from=${today}&to=${yesterday}`, 'group_by=colour', 'extra=1']) {
    const reply = await admin(gateway, 'GET', `/usage?${query}`);
    assert.equal(reply.status, 400, `${query}: ${reply.text}`);
  }
});

test('x-sluice-custom-cost: malformed → 400 before any upstream call; turned off → ignored with a warning', async () => {
  const bad = await chat(gateway, alpha.secret, {}, { 'x-sluice-custom-cost': 'input=1' });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.param, 'x-sluice-custom-cost');
  const off = await startLimitsGateway(upstream.url, { limits: { custom_cost_header: false } });
  try {
    const { secret } = await createKey(off);
    const reply = await chat(off, secret, {}, { 'x-sluice-custom-cost': '0' });
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('x-sluice-warnings') ?? '', /x-sluice-custom-cost was ignored/);
  } finally {
    await off.close();
  }
});
