import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SubjectStates } from './subject-states.js';

/**
 * Test support: the behaviour every SubjectStates must have (alert-state.ts's rules), run against
 * the local and the Redis implementation (DESIGN.md §2.5). `open` gives fresh, empty states
 * whose rules have the cooldowns of `cooldowns`.
 */
export function describeSubjectStates(name: string, open: (cooldowns: Record<string, number>) => Promise<SubjectStates>): void {
  const cooldowns = { minute: 60_000, none: 0 };
  const decisions = async (states: SubjectStates, rule: string, steps: Array<[boolean, number]>) => {
    const seen: string[] = [];
    for (const [holds, at] of steps) {
      const { decision, firedAtMs } = await states.observe(rule, 's', holds, at);
      seen.push(decision ? `${decision}@${firedAtMs}` : '-');
    }
    return seen;
  };

  test(`${name}: fires once, repeats once per cooldown while it holds, resolves once, keeps the episode's first firing`, async () => {
    const states = await open(cooldowns);
    const base = 1_700_000_000_000;
    assert.deepEqual(
      await decisions(states, 'minute', [
        [false, base], // nothing to resolve
        [true, base + 1_000],
        [true, base + 10_000],
        [true, base + 61_000], // repeat of the same episode
        [false, base + 62_000],
        [false, base + 63_000],
        [true, base + 64_000], // back within the cooldown: suppressed, so nothing is owed
        [false, base + 65_000],
        [true, base + 200_000], // a new episode
      ]),
      ['-', `fire@${base + 1_000}`, '-', `fire@${base + 1_000}`, `resolve@${base + 1_000}`, '-', '-', '-', `fire@${base + 200_000}`],
    );
  });

  test(`${name}: without a cooldown every look that holds fires`, async () => {
    const states = await open(cooldowns);
    assert.deepEqual(await decisions(states, 'none', [[true, 1], [true, 2], [false, 3]]), ['fire@1', 'fire@1', 'resolve@1']);
  });

  test(`${name}: rules and subjects are independent`, async () => {
    const states = await open(cooldowns);
    assert.equal((await states.observe('minute', 'a', true, 1_000)).decision, 'fire');
    assert.equal((await states.observe('minute', 'b', true, 1_000)).decision, 'fire');
    assert.equal((await states.observe('none', 'a', true, 1_000)).decision, 'fire');
    assert.equal((await states.observe('minute', 'a', true, 2_000)).decision, undefined);
  });

  test(`${name}: a pulse notifies at most once per cooldown`, async () => {
    const states = await open(cooldowns);
    assert.equal(await states.pulse('minute', 'team:search', 1_000), true);
    assert.equal(await states.pulse('minute', 'team:search', 60_999), false);
    assert.equal(await states.pulse('minute', 'team:other', 2_000), true);
    assert.equal(await states.pulse('minute', 'team:search', 61_000), true);
  });
}
