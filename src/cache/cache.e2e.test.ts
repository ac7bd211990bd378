import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, chatRequests, startCacheTestBed, streamedText, type CacheTestBed } from './cache-test-support.js';

let bed: CacheTestBed;
before(async () => {
  bed = await startCacheTestBed();
});
after(() => bed.close());

/** Each test asks its own question, so entries stored by one never answer another. */
const ask = (text: string, extra: Record<string, unknown> = {}) => ({ messages: [{ role: 'user', content: text }], ...extra });

test('a repeated request is a MISS, then a HIT with the same body and no upstream call', async () => {
  const first = await chat(bed.gateway, ask('repeat me'));
  const calls = chatRequests(bed.upstream);
  const second = await chat(bed.gateway, ask('repeat me'));
  assert.equal(first.cacheStatus, 'MISS');
  assert.equal(second.cacheStatus, 'HIT');
  assert.deepEqual(second.body, first.body);
  assert.equal(chatRequests(bed.upstream), calls);
  // A different question is not served the cached answer.
  const other = await chat(bed.gateway, ask('something else'));
  assert.equal(other.cacheStatus, 'MISS');
  assert.equal(other.body.choices[0].message.content, 'echo: something else');
});

test('caching is off unless the route or the request turns it on', async () => {
  const off = await chat(bed.gateway, ask('uncached', { model: 'fake/gpt-4o-mini' }));
  const again = await chat(bed.gateway, ask('uncached', { model: 'fake/gpt-4o-mini' }));
  assert.equal(off.cacheStatus, null);
  assert.equal(again.cacheStatus, null);
  const opted = await chat(bed.gateway, ask('opt in', { model: 'fake/gpt-4o-mini' }), { 'x-sluice-cache-ttl': '30' });
  const optedAgain = await chat(bed.gateway, ask('opt in', { model: 'fake/gpt-4o-mini' }), { 'x-sluice-cache-ttl': '30' });
  assert.deepEqual([opted.cacheStatus, optedAgain.cacheStatus], ['MISS', 'HIT']);
  const bad = await chat(bed.gateway, ask('opt in'), { 'x-sluice-cache-ttl': 'soon' });
  assert.equal(bad.status, 400);
});

test('skip-cache and Cache-Control: no-store bypass the cache; no-cache refreshes it', async () => {
  await chat(bed.gateway, ask('bypass'));
  const calls = chatRequests(bed.upstream);
  const skipped = await chat(bed.gateway, ask('bypass'), { 'x-sluice-skip-cache': 'true' });
  const noStore = await chat(bed.gateway, ask('bypass'), { 'cache-control': 'no-store' });
  assert.deepEqual([skipped.cacheStatus, noStore.cacheStatus], ['BYPASS', 'BYPASS']);
  assert.equal(chatRequests(bed.upstream), calls + 2);
  const refreshed = await chat(bed.gateway, ask('bypass'), { 'cache-control': 'no-cache' });
  assert.equal(refreshed.cacheStatus, 'MISS');
  const hit = await chat(bed.gateway, ask('bypass'));
  assert.equal(hit.cacheStatus, 'HIT');
  assert.equal(hit.body.id, refreshed.body.id, 'no-cache stored the fresh answer');
});

test('normalization: user, stream_options and key order share one entry; x-sluice-cache-key groups requests', async () => {
  await chat(bed.gateway, ask('normalize', { user: 'alice' }));
  const reordered = await chat(bed.gateway, { user: 'bob', messages: [{ content: 'normalize', role: 'user' }] });
  assert.equal(reordered.cacheStatus, 'HIT');
  const first = await chat(bed.gateway, ask('custom one'), { 'x-sluice-cache-key': 'greeting' });
  const second = await chat(bed.gateway, ask('custom two'), { 'x-sluice-cache-key': 'greeting' });
  assert.equal(second.cacheStatus, 'HIT');
  assert.equal(second.body.choices[0].message.content, first.body.choices[0].message.content);
});

test('a failed upstream answer is not stored', async () => {
  bed.upstream.failNext(1, 400, { error: { message: 'bad', type: 'invalid_request_error', param: null, code: null } });
  const failed = await chat(bed.gateway, ask('fails once'));
  assert.equal(failed.status, 400);
  const retried = await chat(bed.gateway, ask('fails once'));
  assert.equal(retried.status, 200);
  assert.equal(retried.cacheStatus, 'MISS');
});

test('stream → JSON: a streamed miss is stored and served as the equivalent JSON', async () => {
  const streamed = await chat(bed.gateway, ask('stream first', { stream: true, stream_options: { include_usage: true } }));
  assert.equal(streamed.cacheStatus, 'MISS');
  const json = await chat(bed.gateway, ask('stream first'));
  assert.equal(json.cacheStatus, 'HIT');
  assert.equal(json.body.object, 'chat.completion');
  assert.equal(json.body.choices[0].message.content, streamedText(streamed.events));
  assert.equal(json.body.choices[0].finish_reason, 'stop');
  assert.equal(json.body.id, streamed.events[0].id);
  assert.deepEqual(json.body.usage, streamed.events.at(-1).usage);
});

test('JSON → stream: a JSON miss is served as SSE chunks, with the usage chunk only when asked', async () => {
  const json = await chat(bed.gateway, ask('json first'));
  const streamed = await chat(bed.gateway, ask('json first', { stream: true }));
  assert.equal(streamed.cacheStatus, 'HIT');
  assert.ok(streamed.events.every((event) => event.object === 'chat.completion.chunk' && event.id === json.body.id));
  assert.equal(streamedText(streamed.events), json.body.choices[0].message.content);
  assert.equal(streamed.events.at(-1).choices[0].finish_reason, 'stop');
  assert.ok(streamed.events.every((event) => event.choices.length > 0), 'no usage chunk unless asked');
  const withUsage = await chat(bed.gateway, ask('json first', { stream: true, stream_options: { include_usage: true } }));
  assert.deepEqual(withUsage.events.at(-1).usage, json.body.usage);
});

test('single-flight: 100 concurrent identical misses make one upstream call', async () => {
  bed.upstream.delayMs = 200;
  try {
    const calls = chatRequests(bed.upstream);
    const replies = await Promise.all(Array.from({ length: 100 }, () => chat(bed.gateway, ask('stampede'))));
    assert.equal(chatRequests(bed.upstream), calls + 1);
    assert.ok(replies.every((reply) => reply.status === 200 && reply.body.id === replies[0].body.id));
    assert.equal(replies.filter((reply) => reply.cacheStatus === 'MISS').length, 1);
    const streams = await Promise.all(Array.from({ length: 10 }, () => chat(bed.gateway, ask('stampede stream', { stream: true }))));
    assert.equal(chatRequests(bed.upstream), calls + 2);
    assert.ok(streams.every((reply) => streamedText(reply.events) === 'echo: stampede stream'));
  } finally {
    bed.upstream.delayMs = 0;
  }
});
