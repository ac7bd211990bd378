import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertState } from './alert-state.js';

test('fires once, stays quiet within the cooldown, repeats after it while the condition holds', () => {
  const state = new AlertState(60_000);
  assert.equal(state.observe('s', true, 0), 'fire');
  assert.equal(state.observe('s', true, 10_000), undefined);
  assert.equal(state.observe('s', true, 59_999), undefined);
  assert.equal(state.observe('s', true, 60_000), 'fire');
  assert.equal(state.firedAt('s'), 0, 'a repeat belongs to the same episode');
});

test('resolves once after a notified episode; a flap within the cooldown neither fires nor resolves', () => {
  const state = new AlertState(60_000);
  assert.equal(state.observe('s', false, 0), undefined, 'nothing to resolve');
  assert.equal(state.observe('s', true, 1_000), 'fire');
  assert.equal(state.observe('s', false, 2_000), 'resolve');
  assert.equal(state.observe('s', false, 3_000), undefined);
  // Back within the cooldown: suppressed, and so no resolve is owed when it clears.
  assert.equal(state.observe('s', true, 4_000), undefined);
  assert.equal(state.observe('s', false, 5_000), undefined);
  assert.equal(state.observe('s', true, 61_000), 'fire');
  assert.equal(state.firedAt('s'), 61_000, 'a new episode');
});

test('subjects are independent', () => {
  const state = new AlertState(60_000);
  assert.equal(state.observe('a', true, 0), 'fire');
  assert.equal(state.observe('b', true, 1), 'fire');
  assert.equal(state.observe('a', true, 2), undefined);
});

test('pulse: an event notifies unless the subject did within the cooldown; quiet subjects are swept', () => {
  const state = new AlertState(1_000);
  assert.equal(state.pulse('team:a', 0), true);
  assert.equal(state.pulse('team:a', 999), false);
  assert.equal(state.pulse('team:b', 999), true);
  assert.equal(state.pulse('team:a', 1_000), true);
  state.sweep(5_000);
  assert.equal(state.size, 0);
  // An active condition is never swept.
  state.observe('c', true, 5_000);
  state.sweep(100_000);
  assert.equal(state.size, 1);
});
