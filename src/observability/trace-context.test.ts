import assert from 'node:assert/strict';
import { test } from 'node:test';
import { outgoingTraceparent, parseTraceparent } from './trace-context.js';

const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('a valid traceparent is parsed; invalid ones are ignored as the spec says', () => {
  assert.deepEqual(parseTraceparent(valid), { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', parentId: '00f067aa0ba902b7', flags: '01' });
  assert.equal(parseTraceparent(valid.toUpperCase())?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  for (const bad of [undefined, '', 'garbage', valid.replace('4bf92f3577b34da6a3ce929d0e0e4736', '0'.repeat(32)), valid.replace('00f067aa0ba902b7', '0'.repeat(16)), `ff${valid.slice(2)}`, `${valid}-extra`]) {
    assert.equal(parseTraceparent(bad), null, String(bad));
  }
  // A future version may append fields.
  assert.equal(parseTraceparent(`01${valid.slice(2)}-extra`)?.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
});

test('the outgoing traceparent keeps the trace and flags with the gateway span as parent', () => {
  const trace = { ...parseTraceparent(valid)!, spanId: '1111111111111111' };
  const outgoing = parseTraceparent(outgoingTraceparent(trace))!;
  assert.equal(outgoing.parentId, '1111111111111111');
  assert.equal(outgoing.traceId, trace.traceId);
  assert.equal(outgoing.flags, '01');
  assert.notEqual(outgoing.parentId, trace.parentId);
});
