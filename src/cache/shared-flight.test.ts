import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cancellation } from '../http/cancellation.js';
import type { ChatCompletionChunk } from '../schema/chat-completion-response.js';
import { SharedFlight, SharedStreamOverrunError } from './shared-flight.js';

const chunk = (content: string): ChatCompletionChunk => ({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }] });

/** An upstream stream the test feeds by hand; `pulled` counts the chunks the pump asked for. */
function manualSource() {
  const queue: Array<ChatCompletionChunk | 'end'> = [];
  let wake: (() => void) | undefined;
  const state = { pulled: 0 };
  async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const next = queue.shift()!;
      if (next === 'end') return;
      state.pulled += 1;
      yield next;
    }
  }
  const push = (...items: Array<ChatCompletionChunk | 'end'>) => {
    queue.push(...items);
    wake?.();
  };
  return { chunks: chunks(), push, state };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function take(iterator: AsyncIterator<ChatCompletionChunk>, count: number): Promise<string[]> {
  const texts: string[] = [];
  for (let index = 0; index < count; index++) {
    const next = await iterator.next();
    if (next.done) break;
    texts.push(next.value.choices[0].delta.content as string);
  }
  return texts;
}

test('a late reader gets the chunks so far, then the live ones; a reader that stops reading slows no one', async () => {
  const flight = new SharedFlight({ maxBytes: 1_000_000, highWaterChunks: 4, maxLagChunks: 100 }, () => undefined);
  const source = manualSource();
  const fast = flight.read(new Cancellation());
  flight.startStream(source.chunks, { provider: 'p', model: 'p/m' });
  source.push(chunk('a'), chunk('b'));
  assert.deepEqual(await take(fast, 2), ['a', 'b']);
  const late = flight.read(new Cancellation());
  assert.deepEqual(await take(late, 2), ['a', 'b'], 'the chunks so far');
  // `late` now stops reading; `fast` keeps going well past the high-water mark.
  for (let index = 0; index < 20; index++) source.push(chunk(String(index)));
  assert.equal((await take(fast, 20)).length, 20);
  assert.equal(source.state.pulled, 22, 'the pump kept pace with the fastest reader');
  source.push('end');
  await flight.whenStreamEnds();
  assert.equal((await take(late, 100)).length, 20, 'the slow reader still gets everything, at its own pace');
  assert.equal(flight.complete, true);
});

test('the pump waits while every reader is behind (back-pressure from the fastest client)', async () => {
  const flight = new SharedFlight({ maxBytes: 1_000_000, highWaterChunks: 3, maxLagChunks: 100 }, () => undefined);
  const source = manualSource();
  const only = flight.read(new Cancellation());
  flight.startStream(source.chunks, { provider: 'p', model: 'p/m' });
  for (let index = 0; index < 10; index++) source.push(chunk(String(index)));
  await settle();
  assert.equal(source.state.pulled, 3, 'stops three chunks ahead of its only reader');
  await take(only, 2);
  await settle();
  assert.equal(source.state.pulled, 5);
});

test('past the entry size the flight closes to joiners, trims what all have read, and cuts off a reader too far behind', async () => {
  let closed = 0;
  const flight = new SharedFlight({ maxBytes: 1_000, highWaterChunks: 1_000, maxLagChunks: 5 }, () => (closed += 1));
  const source = manualSource();
  const fast = flight.read(new Cancellation());
  const slow = flight.read(new Cancellation());
  flight.startStream(source.chunks, { provider: 'p', model: 'p/m' });
  for (let index = 0; index < 20; index++) source.push(chunk('x'.repeat(100)));
  source.push('end');
  await take(fast, 20);
  await flight.whenStreamEnds();
  assert.ok(closed >= 1, 'no new joiners once it is too large to store');
  assert.equal(flight.complete, false, 'not stored');
  assert.ok(flight.chunks.length < 20, 'the log was trimmed');
  await assert.rejects(take(slow, 20), SharedStreamOverrunError);
});

test('the upstream call is cancelled only when the last attached client leaves', async () => {
  const flight = new SharedFlight({ maxBytes: 1_000_000, highWaterChunks: 64, maxLagChunks: 100 }, () => undefined);
  const leaderClient = new Cancellation();
  const waiterClient = new Cancellation();
  const leader = flight.read(leaderClient);
  const waiter = flight.read(waiterClient);
  const source = manualSource();
  flight.startStream(source.chunks, { provider: 'p', model: 'p/m' });
  source.push(chunk('a'));
  await take(leader, 1);
  leaderClient.abort();
  assert.deepEqual(await take(leader, 1), [], 'the leaving reader ends');
  assert.equal(flight.cancellation.aborted, false, 'a waiter is still attached');
  source.push(chunk('b'));
  assert.deepEqual(await take(waiter, 2), ['a', 'b']);
  waiterClient.abort();
  assert.equal(flight.cancellation.aborted, true);
});

test('a failed stream reaches every reader as the error; a leader failing before any chunk announces none', async () => {
  const flight = new SharedFlight({ maxBytes: 1_000_000, highWaterChunks: 64, maxLagChunks: 100 }, () => undefined);
  async function* failing(): AsyncGenerator<ChatCompletionChunk> {
    yield chunk('a');
    throw new Error('upstream broke');
  }
  const reader = flight.read(new Cancellation());
  flight.startStream(failing(), { provider: 'p', model: 'p/m' });
  assert.equal(await flight.started, 'stream');
  await assert.rejects(take(reader, 5), /upstream broke/);
  const early = new SharedFlight({ maxBytes: 1_000_000, highWaterChunks: 64, maxLagChunks: 100 }, () => undefined);
  early.fail(new Error('refused'));
  assert.equal(await early.started, 'none');
  assert.equal(await early.settled, undefined);
});
