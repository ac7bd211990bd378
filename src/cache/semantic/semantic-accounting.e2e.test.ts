import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { admin, adminToken } from '../../admin/admin-test-client.js';
import { createKey, eventually } from '../../limits/limit-test-support.js';
import { parsePrometheusText } from '../../observability/prometheus-text.js';
import { chat } from '../cache-test-support.js';
import { startSemanticTestBed, type SemanticTestBed } from './semantic-test-support.js';

let bed: SemanticTestBed;
let writes = 0;
const chatPrices = { input: 1000, output: 2000 };
const embeddingPrice = 100;

before(async () => {
  bed = await startSemanticTestBed({
    auth: { required: true },
    admin: { token: adminToken },
    pricing: { 'fake/gpt-4o-mini': chatPrices, 'vectors/test-embed': { input: embeddingPrice, output: 0 } },
  });
});
after(() => bed.close());

const ask = (text: string) => ({ model: 'semantic', messages: [{ role: 'user', content: text }] });
const as = (secret: string) => ({ authorization: `Bearer ${secret}` });
/** The fake embeddings upstream counts one token per word (semantic-test-support.ts). */
const embeddingCost = (text: string) => (text.split(' ').length * embeddingPrice) / 1e6;
const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);

async function scrape(): Promise<(name: string, labels?: Record<string, string>) => number> {
  const { samples } = parsePrometheusText(await (await fetch(`${bed.gateway.url}/metrics`)).text());
  return (name, labels = {}) =>
    samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)).reduce((total, sample) => total + sample.value, 0);
}

async function logOf(requestId: string | null): Promise<Record<string, unknown>> {
  await bed.gateway.gateway.logs.writer.flush();
  const reply = await admin(bed.gateway, 'GET', `/logs/${requestId}`);
  assert.equal(reply.status, 200, reply.text);
  return reply.json.data ?? reply.json;
}

test('a semantic hit shows up in usage, the request log and the metrics exactly like an exact hit', async () => {
  const key = await createKey(bed.gateway);
  const metricsBefore = await scrape();
  const countsBefore = { ...bed.gateway.gateway.cache.counts };
  const prompt = 'What is the capital of France?';
  const paraphrase = 'Tell me the France capital city, please';
  const miss = await chat(bed.gateway, ask(prompt), as(key.secret));
  assert.equal(miss.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  const exact = await fetch(`${bed.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...as(key.secret) }, body: JSON.stringify(ask(prompt)) });
  const semantic = await fetch(`${bed.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...as(key.secret) }, body: JSON.stringify(ask(paraphrase)) });
  assert.deepEqual(await semantic.json(), await exact.json());
  assert.deepEqual([exact.headers.get('x-sluice-cache-match'), semantic.headers.get('x-sluice-cache-match')], [null, 'semantic']);
  assert.deepEqual([exact.headers.get('x-sluice-cache-status'), semantic.headers.get('x-sluice-cache-status')], ['HIT', 'HIT']);
  const cost = (miss.body.usage.prompt_tokens * chatPrices.input + miss.body.usage.completion_tokens * chatPrices.output) / 1e6;

  await bed.gateway.gateway.usage.recorder.flush();
  const usage = await admin(bed.gateway, 'GET', `/usage?group_by=model&key_id=${key.keyId}`);
  assert.equal(usage.status, 200, usage.text);
  const rows = new Map<string, any>(usage.json.data.map((row: { group: string }) => [row.group, row]));
  const answers = rows.get('fake/gpt-4o-mini');
  assert.deepEqual([answers.requests, answers.cache_hits, answers.total_tokens], [3, 2, miss.body.usage.total_tokens]);
  close(answers.cost_usd, cost, 'only the miss bought an answer');
  close(answers.cost_saved_usd, 2 * cost, 'each hit, exact or semantic, saved what the miss cost');

  const [exactLog, semanticLog] = [await logOf(exact.headers.get('x-sluice-request-id')), await logOf(semantic.headers.get('x-sluice-request-id'))];
  const accounting = (record: Record<string, unknown>) => ({
    cache_status: record.cache_status,
    cost_saved_usd: record.cost_saved_usd,
    cost_usd: record.cost_usd,
    provider: record.provider,
    model_served: record.model_served,
    route: record.route,
    key_id: record.key_id,
  });
  assert.deepEqual(accounting(semanticLog), accounting(exactLog));
  assert.equal(semanticLog.cache_status, 'HIT');
  close(semanticLog.cost_saved_usd as number, cost, 'the semantic hit logs the cost it saved');

  const metricsAfter = await scrape();
  const delta = (name: string, labels?: Record<string, string>) => metricsAfter(name, labels) - metricsBefore(name, labels);
  assert.equal(delta('sluice_cache_requests_total', { status: 'HIT' }), 2);
  assert.equal(delta('sluice_cache_requests_total', { status: 'MISS' }), 1);
  close(delta('sluice_cache_cost_saved_usd_total'), 2 * cost, 'cost saved in /metrics');
  const counts = bed.gateway.gateway.cache.counts;
  // The semantic hit started as the exact stage's MISS: taken back, as the admin hit ratio reads these.
  assert.deepEqual([counts.HIT - countsBefore.HIT, counts.MISS - countsBefore.MISS], [2, 1]);
});

test('the semantic cache’s embedding calls are usage of the tenant whose request caused them, not extra requests', async () => {
  const [a, b] = [await createKey(bed.gateway), await createKey(bed.gateway)];
  const aPrompts = ['How long to boil an egg? (team a)', 'Please cook an egg in water (team a)'];
  const bPrompt = 'Something unrelated for team b';
  const aMiss = await chat(bed.gateway, ask(aPrompts[0]), as(a.secret));
  assert.equal(aMiss.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  const aHit = await chat(bed.gateway, ask(aPrompts[1]), as(a.secret));
  assert.equal(aHit.cacheStatus, 'HIT', 'a semantic hit still paid for its embedding');
  assert.equal((await chat(bed.gateway, ask(bPrompt), as(b.secret))).cacheStatus, 'MISS');
  await bed.written((writes += 1));

  const usageOf = async (teamId: string, groupBy: string) => {
    const reply = await admin(bed.gateway, 'GET', `/usage?group_by=${groupBy}&team_id=${teamId}`);
    assert.equal(reply.status, 200, reply.text);
    return new Map<string, any>(reply.json.data.map((row: { group: string }) => [row.group, row]));
  };
  const aModels = await usageOf(a.teamId, 'model');
  const aRow = aModels.get('vectors/test-embed');
  assert.deepEqual([aRow.requests, aRow.prompt_tokens, aRow.completion_tokens, aRow.unpriced_requests, aRow.estimated_requests], [0, aPrompts.join(' ').split(' ').length, 0, 0, 0]);
  close(aRow.cost_usd, embeddingCost(aPrompts[0]) + embeddingCost(aPrompts[1]), "team a's embedding cost");
  assert.equal((await usageOf(b.teamId, 'model')).get('vectors/test-embed').prompt_tokens, bPrompt.split(' ').length, "team b pays only for its own prompt's embedding");
  // Booked under the route the client called, with the vectors provider.
  assert.deepEqual([...(await usageOf(a.teamId, 'route')).keys()], ['semantic']);
  assert.deepEqual([...(await usageOf(a.teamId, 'provider')).keys()].sort(), ['fake', 'vectors']);
  const aAnswers = aModels.get('fake/gpt-4o-mini');
  assert.equal(aAnswers.requests, 2, 'the embeddings are not counted as requests');
});

test('semantic hits count toward neither the token-per-minute limit nor budget spend; the embeddings they needed do count as spend', async () => {
  const probe = await chat(bed.gateway, ask('limits probe, semantic'), as((await createKey(bed.gateway)).secret));
  await bed.written((writes += 1));
  const perRequest = probe.body.usage.total_tokens as number;
  // Room for the miss and about two more answers' worth: ten hits would exceed it if they counted.
  const key = await createKey(bed.gateway, { tpm: perRequest * 3, budget_usd: 100 });
  const prompt = 'capital of France, for the budget';
  const paraphrase = 'France capital city, for the budget';
  const miss = await chat(bed.gateway, ask(prompt), as(key.secret));
  assert.equal(miss.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  const spendOf = async () => {
    const budgets = await admin(bed.gateway, 'GET', '/usage/budgets');
    return budgets.json.data.find((entry: { id: string }) => entry.id === key.keyId).spend_usd as number;
  };
  await eventually(async () => (await spendOf()) > 0);
  const spentByMiss = await spendOf();
  const missCost = (miss.body.usage.prompt_tokens * chatPrices.input + miss.body.usage.completion_tokens * chatPrices.output) / 1e6;
  close(spentByMiss, missCost + embeddingCost(prompt), 'the miss spent its answer and its embedding');
  for (let index = 0; index < 10; index += 1) {
    const hit = await fetch(`${bed.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...as(key.secret) }, body: JSON.stringify(ask(paraphrase)) });
    const text = await hit.text();
    assert.equal(hit.status, 200, `hit ${index}: ${text}`);
    assert.deepEqual([hit.headers.get('x-sluice-cache-status'), hit.headers.get('x-sluice-cache-match')], ['HIT', 'semantic']);
  }
  // The limits settle in a finisher just after each response: the last hit's included.
  await new Promise((resolve) => setTimeout(resolve, 50));
  close(await spendOf(), spentByMiss + 10 * embeddingCost(paraphrase), 'hits add only their embeddings');
  const fresh = await chat(bed.gateway, ask('limits, but something new'), as(key.secret));
  assert.equal(fresh.status, 200, 'the tokens the hits did not spend are still there');
  await bed.written((writes += 1));
});

test('an embeddings model that reports no usage is estimated with the tokenizer and marked so', async () => {
  const silent = await startSemanticTestBed({ auth: { required: true }, admin: { token: adminToken }, pricing: { 'vectors/test-embed': { input: embeddingPrice, output: 0 } } }, { omitUsage: true });
  try {
    const key = await createKey(silent.gateway);
    const reply = await chat(silent.gateway, ask('What is the capital of France?'), as(key.secret));
    assert.equal(reply.status, 200);
    await silent.gateway.gateway.usage.recorder.flush();
    const usage = await admin(silent.gateway, 'GET', `/usage?group_by=model&key_id=${key.keyId}`);
    const row = usage.json.data.find((entry: { group: string }) => entry.group === 'vectors/test-embed');
    // o200k: "What is the capital of France?" is 7 tokens.
    assert.deepEqual([row.requests, row.prompt_tokens, row.estimated_requests], [0, 7, 1]);
    close(row.cost_usd, (7 * embeddingPrice) / 1e6, 'priced from the estimate');
  } finally {
    await silent.close();
  }
});
