import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, chatRequests, streamedText } from '../cache-test-support.js';
import { embeddingRequests, startSemanticTestBed, type SemanticTestBed } from './semantic-test-support.js';

let bed: SemanticTestBed;
let writes = 0;
before(async () => {
  bed = await startSemanticTestBed({ admin: { token: 'semantic-admin-token' } });
});
after(() => bed.close());

const ask = (text: string, extra: Record<string, unknown> = {}) => ({ model: 'semantic', messages: [{ role: 'user', content: text }], ...extra });
/** Asks, and waits until a MISS's answer is in the vector store. */
async function miss(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const reply = await chat(bed.gateway, body, headers);
  assert.equal(reply.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  return reply;
}

test('a paraphrase above the threshold is a semantic HIT with the first answer and no upstream call', async () => {
  const first = await miss(ask('What is the capital of France?'));
  const calls = chatRequests(bed.chatUpstream);
  const response = await fetch(`${bed.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ask('Tell me the France capital city, please')),
  });
  const body = await response.json();
  assert.equal(response.headers.get('x-sluice-cache-status'), 'HIT');
  assert.equal(response.headers.get('x-sluice-cache-match'), 'semantic');
  assert.equal(response.headers.get('x-sluice-cache-similarity'), '0.9500');
  assert.equal(response.headers.get('x-sluice-model'), 'fake/gpt-4o-mini');
  assert.deepEqual(body, first.body);
  assert.equal(body.choices[0].message.content, 'echo: What is the capital of France?');
  assert.equal(chatRequests(bed.chatUpstream), calls);
});

test('a related prompt below the threshold is a MISS answered by the upstream', async () => {
  const reply = await miss(ask('French capital population?'));
  assert.equal(reply.body.choices[0].message.content, 'echo: French capital population?');
});

test('another route with the same prompt never gets this route’s answer', async () => {
  const reply = await miss(ask('What is the capital of France?', { model: 'twin' }));
  assert.equal(reply.body.choices[0].message.content, 'echo: What is the capital of France?');
  assert.equal(reply.cacheStatus, 'MISS');
  const paraphrase = await chat(bed.gateway, ask('France capital city?', { model: 'twin' }));
  assert.equal(paraphrase.cacheStatus, 'HIT');
  assert.equal(paraphrase.body.id, reply.body.id);
});

test('different parameters, system prompt or earlier turns are different buckets', async () => {
  const base = await miss(ask('How long to boil an egg?', { temperature: 0 }));
  const variants: Array<Record<string, unknown>> = [
    ask('How long to cook an egg in water?', { temperature: 0.7 }),
    ask('How long to cook an egg in water?', { temperature: 0, max_tokens: 5 }),
    ask('How long to cook an egg in water?', { temperature: 0, response_format: { type: 'json_object' } }),
    { model: 'semantic', temperature: 0, messages: [{ role: 'system', content: 'Answer in French.' }, { role: 'user', content: 'How long to cook an egg in water?' }] },
  ];
  for (const variant of variants) {
    const reply = await miss(variant);
    assert.notEqual(reply.body.id, base.body.id);
  }
  // What only changes delivery (stream, user) does not split buckets.
  const same = await chat(bed.gateway, ask('How long to cook an egg in water?', { temperature: 0, user: 'someone' }));
  assert.equal(same.cacheStatus, 'HIT');
  assert.equal(same.body.id, base.body.id);
});

test('a JSON miss replays as SSE and a streamed miss replays as JSON', async () => {
  const json = await miss(ask('capital of France, briefly', { max_tokens: 40 }));
  const streamed = await chat(bed.gateway, ask('France capital city, briefly', { max_tokens: 40, stream: true, stream_options: { include_usage: true } }));
  assert.equal(streamed.cacheStatus, 'HIT');
  assert.equal(streamedText(streamed.events), json.body.choices[0].message.content);
  assert.deepEqual(streamed.events.at(-1).usage, json.body.usage);

  const streamMiss = await chat(bed.gateway, ask('boil an egg, stream', { max_tokens: 41, stream: true }));
  assert.equal(streamMiss.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  const asJson = await chat(bed.gateway, ask('cook an egg in water, json', { max_tokens: 41 }));
  assert.equal(asJson.cacheStatus, 'HIT');
  assert.equal(asJson.body.choices[0].message.content, streamedText(streamMiss.events));
  assert.equal(asJson.body.choices[0].finish_reason, 'stop');
});

test('entries expire after the route’s ttl', async () => {
  const cache = bed.gateway.gateway.semanticCache;
  await miss(ask('capital of France, ttl', { seed: 7 }));
  const realNow = cache.now;
  try {
    const later = realNow() + 61_000;
    cache.now = () => later;
    const expired = await chat(bed.gateway, ask('France capital city, ttl', { seed: 7 }));
    assert.equal(expired.cacheStatus, 'MISS');
    assert.equal(expired.body.choices[0].message.content, 'echo: France capital city, ttl');
  } finally {
    cache.now = realNow;
  }
  await bed.written((writes += 1));
});

test('not eligible: n > 1, a custom cache key, a last message that is not user text', async () => {
  const before = embeddingRequests(bed.embeddingsUpstream);
  await chat(bed.gateway, ask('capital of France, twice', { n: 2 }));
  await chat(bed.gateway, ask('capital of France, keyed'), { 'x-sluice-cache-key': 'mine' });
  await chat(bed.gateway, {
    model: 'semantic',
    messages: [
      { role: 'user', content: 'capital of France?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'Paris' },
    ],
  });
  assert.equal(embeddingRequests(bed.embeddingsUpstream), before);
});

test('a route without cache.semantic never embeds anything', async () => {
  const before = embeddingRequests(bed.embeddingsUpstream);
  const first = await chat(bed.gateway, ask('What is the capital of France?', { model: 'plain' }));
  const second = await chat(bed.gateway, ask('France capital city?', { model: 'plain' }));
  assert.deepEqual([first.cacheStatus, second.cacheStatus], ['MISS', 'MISS']);
  assert.equal(embeddingRequests(bed.embeddingsUpstream), before);
});

test('skip-cache bypasses the semantic cache too; an exact repeat is still the exact cache’s HIT', async () => {
  const before = embeddingRequests(bed.embeddingsUpstream);
  const skipped = await chat(bed.gateway, ask('What is the capital of France?'), { 'x-sluice-skip-cache': '1' });
  assert.equal(skipped.cacheStatus, 'BYPASS');
  const exact = await fetch(`${bed.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask('What is the capital of France?')) });
  await exact.text();
  assert.equal(exact.headers.get('x-sluice-cache-status'), 'HIT');
  assert.equal(exact.headers.get('x-sluice-cache-match'), null);
  assert.equal(embeddingRequests(bed.embeddingsUpstream), before);
});

test('the embedding model failing is a MISS answered upstream, never an error', async () => {
  bed.embeddingsUpstream.failNext(1, 500, { error: { message: 'boom', type: 'server_error', param: null, code: null } });
  const reply = await chat(bed.gateway, ask('France capital city, while embeddings fail', { seed: 99 }));
  assert.equal(reply.status, 200);
  assert.equal(reply.cacheStatus, 'MISS');
  assert.equal(reply.body.choices[0].message.content, 'echo: France capital city, while embeddings fail');
});

test('the admin purge of a route clears its semantic entries too, and the hit counters count semantic hits', async () => {
  await miss(ask('capital of France, purge me', { model: 'twin', seed: 5 }));
  const statsBefore = (await (await fetch(`${bed.gateway.url}/admin/api/v1/cache/stats`, { headers: { authorization: 'Bearer semantic-admin-token' } })).json()) as { hits: number; misses: number };
  const hit = await chat(bed.gateway, ask('France capital city, purge me', { model: 'twin', seed: 5 }));
  assert.equal(hit.cacheStatus, 'HIT');
  const statsAfter = (await (await fetch(`${bed.gateway.url}/admin/api/v1/cache/stats`, { headers: { authorization: 'Bearer semantic-admin-token' } })).json()) as { hits: number; misses: number };
  assert.deepEqual([statsAfter.hits - statsBefore.hits, statsAfter.misses - statsBefore.misses], [1, 0]);
  const response = await fetch(`${bed.gateway.url}/admin/api/v1/cache/purge`, {
    method: 'POST',
    headers: { authorization: 'Bearer semantic-admin-token', 'content-type': 'application/json' },
    body: JSON.stringify({ route: 'twin' }),
  });
  const purged = (await response.json()) as { purged: number };
  // The exact entry and the semantic entry of "purge me", plus twin's entries from the isolation test.
  assert.equal(response.status, 200);
  assert.ok(purged.purged >= 2, JSON.stringify(purged));
  const after = await chat(bed.gateway, ask('France capital city, purge me', { model: 'twin', seed: 5 }));
  assert.equal(after.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  // Another route's entries stay.
  const other = await chat(bed.gateway, ask('Tell me the France capital city, please'));
  assert.equal(other.cacheStatus, 'HIT');
});

test('the Anthropic Messages endpoint uses the semantic cache too', async () => {
  const messages = async (text: string) => {
    const response = await fetch(`${bed.gateway.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'semantic', max_tokens: 64, messages: [{ role: 'user', content: text }] }),
    });
    return { status: response.status, cacheStatus: response.headers.get('x-sluice-cache-status'), match: response.headers.get('x-sluice-cache-match'), body: (await response.json()) as any };
  };
  // Buckets include the endpoint, so these entries are the messages endpoint's own.
  const first = await messages('What is the capital of France? (messages)');
  assert.equal(first.status, 200);
  assert.equal(first.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  const paraphrase = await messages('Tell me the France capital city (messages)');
  assert.deepEqual([paraphrase.cacheStatus, paraphrase.match], ['HIT', 'semantic']);
  assert.equal(paraphrase.body.content[0].text, first.body.content[0].text);
});
