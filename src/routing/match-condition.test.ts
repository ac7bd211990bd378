import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesValue } from './match-condition.js';

test('values, lists and operators match as documented', () => {
  assert.equal(matchesValue('3', 3), true, 'a header string equals a number');
  assert.equal(matchesValue(undefined, null), true, 'null matches an absent fact');
  assert.equal(matchesValue('x', null), false);
  assert.equal(matchesValue('b', ['a', 'b']), true);
  assert.equal(matchesValue('c', ['a', 'b']), false);
  assert.equal(matchesValue(5, { gte: 5, lt: 10 }), true);
  assert.equal(matchesValue(10, { gte: 5, lt: 10 }), false);
  assert.equal(matchesValue('abc', { gt: 1 }), false, 'a non-number never compares');
  assert.equal(matchesValue(undefined, { exists: false }), true);
  assert.equal(matchesValue('v', { exists: false }), false);
  assert.equal(matchesValue('gpt-4o-mini', { matches: '^gpt-4o' }), true);
  assert.equal(matchesValue(undefined, { matches: '.*' }), false);
  assert.equal(matchesValue('eu', { ne: 'us', not_in: ['ap'] }), true);
  assert.equal(matchesValue('ap', { ne: 'us', not_in: ['ap'] }), false);
});
