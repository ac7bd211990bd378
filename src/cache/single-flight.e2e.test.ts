import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../limits/limit-test-support.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import { heldWords, openStream, startHeldUpstream, within, type HeldUpstream } from './held-upstream.js';

let upstream: HeldUpstream;
let gateway: RunningGateway;
const answer = heldWords.join('');

before(async () => {
  upstream = await startHeldUpstream();
  gateway = await startTestGateway({
    providers: { held: { type: 'openai', base_url: `${upstream.controls.url}/v1` } },
    routes: { cached: { targets: [{ model: 'held/gpt-4o-mini' }], cache: { ttl: 60 } } },
  });
});

after(async () => {
  upstream.release();
  await gateway.close();
  await upstream.close();
});

const ask = (text: string) => ({ model: 'cached', messages: [{ role: 'user', content: text }] });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function chatJson(body: Record<string, unknown>): Promise<{ status: number; cacheStatus: string | null; json: any }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, cacheStatus: response.headers.get('x-sluice-cache-status'), json: await response.json() };
}

test('100 concurrent identical streams: one upstream call, identical content, and every waiter has its first chunk while the upstream stream is still open', async () => {
  const callsBefore = upstream.calls;
  upstream.hold();
  const streams = await within(Promise.all(Array.from({ length: 100 }, () => openStream(gateway.url, ask('a hundred at once')))), 15_000, 'every stream opened while the upstream holds its answer');
  const firsts = await within(Promise.all(streams.map((stream) => stream.firstContent)), 15_000, "every client's first chunk before the upstream stream ended");
  assert.ok(firsts.every((first) => first === heldWords[0]));
  assert.equal(upstream.calls, callsBefore + 1);
  upstream.release();
  const texts = await Promise.all(streams.map((stream) => stream.text));
  assert.ok(texts.every((text) => text === answer), 'every client got the identical answer');
  assert.equal(upstream.calls, callsBefore + 1);
  const statuses = streams.map((stream) => stream.cacheStatus);
  assert.equal(statuses.filter((status) => status === 'MISS').length, 1);
  assert.equal(statuses.filter((status) => status === 'HIT').length, 99);
  assert.equal(JSON.stringify(streams[0].events), JSON.stringify(streams[99].events), 'same chunks, same shapes');
});

test("the leader's client leaving does not end the shared call: waiters finish and the answer is stored", async () => {
  const callsBefore = upstream.calls;
  upstream.hold();
  const leaving = new AbortController();
  const leader = await openStream(gateway.url, ask('leader leaves'), leaving.signal);
  assert.equal(leader.cacheStatus, 'MISS');
  await within(leader.firstContent, 5_000, "the leader's first chunk");
  const streams = await Promise.all(Array.from({ length: 3 }, () => openStream(gateway.url, ask('leader leaves'))));
  const json = chatJson(ask('leader leaves'));
  await within(Promise.all(streams.map((stream) => stream.firstContent)), 5_000, "the waiters' first chunks");
  leaving.abort();
  await pause(100);
  assert.equal(upstream.cancelled, 0, 'the upstream call goes on for the waiters');
  upstream.release();
  assert.deepEqual(await Promise.all(streams.map((stream) => stream.text)), [answer, answer, answer]);
  const jsonReply = await json;
  assert.equal(jsonReply.cacheStatus, 'HIT');
  assert.equal(jsonReply.json.choices[0].message.content, answer);
  assert.equal(upstream.calls, callsBefore + 1);
  await eventually(async () => (await chatJson(ask('leader leaves'))).cacheStatus === 'HIT');
  assert.equal(upstream.calls, callsBefore + 1);
});

test('when every client sharing the call has gone, the upstream call is cancelled', async () => {
  upstream.hold();
  const cancelledBefore = upstream.cancelled;
  const leaderAbort = new AbortController();
  const waiterAbort = new AbortController();
  const leader = await openStream(gateway.url, ask('everyone leaves'), leaderAbort.signal);
  await within(leader.firstContent, 5_000, "the leader's first chunk");
  const waiter = await openStream(gateway.url, ask('everyone leaves'), waiterAbort.signal);
  await within(waiter.firstContent, 5_000, "the waiter's first chunk");
  leaderAbort.abort();
  await pause(100);
  assert.equal(upstream.cancelled, cancelledBefore);
  waiterAbort.abort();
  await eventually(() => upstream.cancelled === cancelledBefore + 1);
  upstream.release();
});

test("a leader's failure sends its waiters to their own upstream calls, not to an error", async () => {
  const callsBefore = upstream.calls;
  upstream.hold();
  upstream.failing = true;
  const leader = chatJson(ask('leader fails'));
  await eventually(() => upstream.calls === callsBefore + 1);
  upstream.failing = false;
  const waiters = [
    ...Array.from({ length: 3 }, () => chatJson(ask('leader fails'))),
    ...Array.from({ length: 3 }, () => openStream(gateway.url, ask('leader fails')).then(async (stream) => ({ status: stream.status, cacheStatus: stream.cacheStatus, text: await stream.text }))),
  ];
  await pause(200);
  assert.equal(upstream.calls, callsBefore + 1, 'the waiters wait for the leader');
  upstream.release();
  assert.equal((await leader).status, 400);
  const replies = await Promise.all(waiters);
  assert.ok(replies.every((reply) => reply.status === 200 && reply.cacheStatus === 'MISS'), JSON.stringify(replies.map((reply) => [reply.status, reply.cacheStatus])));
  assert.equal(upstream.calls, callsBefore + 1 + 6, 'each waiter made its own call');
});

test('JSON waiters of a streaming leader get the assembled completion; stream waiters of a JSON leader get the replay', async () => {
  let callsBefore = upstream.calls;
  upstream.hold();
  const leader = await openStream(gateway.url, ask('mixed one'));
  await within(leader.firstContent, 5_000, "the leader's first chunk");
  const jsonWaiters = Array.from({ length: 3 }, () => chatJson(ask('mixed one')));
  await pause(50);
  upstream.release();
  assert.equal(await leader.text, answer);
  for (const reply of await Promise.all(jsonWaiters)) {
    assert.equal(reply.cacheStatus, 'HIT');
    assert.equal(reply.json.object, 'chat.completion');
    assert.equal(reply.json.choices[0].message.content, answer);
    assert.equal(reply.json.choices[0].finish_reason, 'stop');
  }
  assert.equal(upstream.calls, callsBefore + 1);

  callsBefore = upstream.calls;
  upstream.hold();
  const jsonLeader = chatJson(ask('mixed two'));
  await eventually(() => upstream.calls === callsBefore + 1);
  const streamWaiters = Array.from({ length: 3 }, () => openStream(gateway.url, ask('mixed two')).then(async (stream) => ({ cacheStatus: stream.cacheStatus, text: await stream.text })));
  await pause(50);
  upstream.release();
  assert.equal((await jsonLeader).json.choices[0].message.content, answer);
  for (const reply of await Promise.all(streamWaiters)) assert.deepEqual(reply, { cacheStatus: 'HIT', text: answer });
  assert.equal(upstream.calls, callsBefore + 1);
});
