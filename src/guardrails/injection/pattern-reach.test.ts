import { test } from 'node:test';
import assert from 'node:assert/strict';
import { longestWord, patternReach } from './pattern-reach.js';

test('pattern reach: the longest match read off the source', () => {
  assert.equal(patternReach(/ab{2,5}c/), 7);
  assert.equal(patternReach(/\bfoo (?:bar|quux)\b/), 8);
  assert.equal(patternReach(/(?<!x)ab(?=cd)/), 2, 'lookarounds match no text');
  assert.equal(patternReach(/[^.\n]{0,60}?x/), 61);
  assert.equal(patternReach(/a\s+b/), 4, 'whitespace runs are collapsed to two in the view');
  assert.equal(patternReach(/\w+ you/), longestWord + 4, 'words are cut to 40 in the view');
  assert.equal(patternReach(/(?:\w+ ){0,3}rules/), 3 * (longestWord + 1) + 5);
});

test('pattern reach: unbounded and anchored patterns run on the whole text', () => {
  assert.equal(patternReach(/a[^\n]+b/), Number.POSITIVE_INFINITY);
  assert.equal(patternReach(/x\S*/), Number.POSITIVE_INFINITY);
  assert.equal(patternReach(/(?:ab)+/), Number.POSITIVE_INFINITY);
  assert.equal(patternReach(/(?:^|\n)system:/), Number.POSITIVE_INFINITY);
  assert.equal(patternReach(/end$/), Number.POSITIVE_INFINITY);
});
