import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerSentEvents, type ServerSentEvent } from './parse-server-sent-events.js';

async function parse(pieces: string[]): Promise<ServerSentEvent[]> {
  const encoder = new TextEncoder();
  async function* source() {
    for (const piece of pieces) yield encoder.encode(piece);
  }
  const events: ServerSentEvent[] = [];
  for await (const event of parseServerSentEvents(source())) events.push(event);
  return events;
}

test('events, names, comments and multi-line data', async () => {
  const events = await parse([': comment\n', 'event: message_start\ndata: {"a":1}\n\n', 'data: line1\ndata: line2\n\n']);
  assert.deepEqual(events, [
    { event: 'message_start', data: '{"a":1}' },
    { event: undefined, data: 'line1\nline2' },
  ]);
});

test('CRLF and CR line ends, including a CRLF split between reads', async () => {
  const events = await parse(['data: one\r', '\n\r\n', 'data: two\r\rdata:three\n\n']);
  assert.deepEqual(events.map((event) => event.data), ['one', 'two', 'three']);
});

test('a multi-byte character split across reads is decoded whole', async () => {
  const bytes = new TextEncoder().encode('data: héllo €\n\n');
  async function* source() {
    for (const byte of bytes) yield Uint8Array.of(byte);
  }
  const events: ServerSentEvent[] = [];
  for await (const event of parseServerSentEvents(source())) events.push(event);
  assert.deepEqual(events, [{ event: undefined, data: 'héllo €' }]);
});

test('a last event without its blank line is still delivered; an event line alone is not', async () => {
  assert.deepEqual(await parse(['event: ping\n\n', 'data: tail']), [{ event: undefined, data: 'tail' }]);
});
