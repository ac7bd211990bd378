import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRequestId } from './new-request-id.js';

test('request ids are UUID version 7: the layout, the version and variant bits, the time prefix', () => {
  const id = newRequestId(Date.UTC(2026, 10, 24, 8, 30));
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), Date.UTC(2026, 10, 24, 8, 30));
});

test('request ids are unique, and a later millisecond sorts later', () => {
  const ids = new Set(Array.from({ length: 100_000 }, () => newRequestId(1_700_000_000_000)));
  assert.equal(ids.size, 100_000);
  const earlier = newRequestId(1_700_000_000_000);
  const later = newRequestId(1_700_000_000_001);
  assert.ok(earlier < later, `${earlier} < ${later}`);
});
