import type { InjectionSignal } from './injection-signals.js';

/**
 * Where each signal's hints occur in a text, so a signal's pattern runs only near them.
 *
 * A hint is a substring the signal's pattern cannot match without (one of each group), so every
 * match contains an occurrence of a hint of every group — in particular of the group that occurs
 * least often in this text. A match is at most `reach` characters long (pattern-reach.ts reads
 * it off the pattern), so it lies within `reach` of such an occurrence, and every other group
 * has an occurrence within `reach` of it too. Running the pattern on those windows only is exact
 * for bounded patterns; unbounded or anchored ones (reach Infinity) run on the whole text.
 */

/** Positions are those of the alternation's match, which may start up to a hint's length earlier. */
const slack = 40;

export class HintIndex {
  private readonly pattern: RegExp;
  /** For each hint, the groups (by index) that contain it or a hint it contains. */
  private readonly groupsOfHint: Map<string, number[]>;
  readonly groupCount: number;
  /** Each signal's groups, as indexes. */
  readonly signalGroups: number[][];

  constructor(signals: readonly InjectionSignal[]) {
    const groups: Array<readonly string[]> = [];
    this.signalGroups = signals.map((signal) =>
      (signal.hints ?? []).map((group) => {
        let index = groups.indexOf(group);
        if (index === -1) index = groups.push(group) - 1;
        return index;
      }),
    );
    this.groupCount = groups.length;
    const hints = [...new Set(groups.flat())].sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(hints.map((hint) => hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    // A hint found also implies the hints it contains ("the above" contains "above").
    this.groupsOfHint = new Map(
      hints.map((hint) => {
        const implied = hints.filter((other) => hint.includes(other));
        return [hint, groups.flatMap((group, index) => (group.some((member) => implied.includes(member)) ? [index] : []))];
      }),
    );
  }

  /** For each group, the sorted start positions of the matches that found one of its hints. */
  positions(view: string): number[][] {
    const byGroup: number[][] = Array.from({ length: this.groupCount }, () => []);
    const pattern = this.pattern;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(view); match !== null; match = pattern.exec(view)) {
      for (const group of this.groupsOfHint.get(match[0]) ?? []) byGroup[group].push(match.index);
      // Overlapping occurrences count too: resume one character after this match's start.
      pattern.lastIndex = match.index + 1;
    }
    return byGroup;
  }
}

/** Whether a sorted list has an element within `distance` of `at`. */
function hasNear(sorted: number[], at: number, distance: number): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < at - distance) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length && sorted[low] <= at + distance;
}

/**
 * The stretches of the view a signal's pattern must examine, or undefined when the whole view
 * must be (no hints, unbounded pattern, or windows covering most of it anyway); null when the
 * pattern cannot match at all: a hint group is absent, or (for bounded patterns) no occurrence
 * of the rarest group has an occurrence of every other group within reach.
 */
export function windowsFor(groupIndexes: number[], reach: number, positions: number[][], length: number): Array<[number, number]> | undefined | null {
  if (groupIndexes.length === 0) return undefined;
  let rarest: number[] | undefined;
  for (const group of groupIndexes) {
    const occurrences = positions[group];
    if (occurrences.length === 0) return null;
    if (rarest === undefined || occurrences.length < rarest.length) rarest = occurrences;
  }
  if (reach === Number.POSITIVE_INFINITY || rarest === undefined) return undefined;
  const distance = reach + slack;
  const windows: Array<[number, number]> = [];
  let covered = 0;
  for (const at of rarest) {
    if (groupIndexes.length > 1 && !groupIndexes.every((group) => positions[group] === rarest || hasNear(positions[group], at, distance))) continue;
    const start = Math.max(0, at - distance);
    const end = Math.min(length, at + distance);
    const last = windows[windows.length - 1];
    if (last && start <= last[1]) {
      covered += end - last[1];
      last[1] = end;
    } else {
      windows.push([start, end]);
      covered += end - start;
    }
  }
  if (windows.length === 0) return null;
  return covered > length * 0.6 ? undefined : windows;
}

const isSpace = (code: number) => code === 32 || code === 10 || code === 9 || code === 13;

/** Runs a pattern over windows; the match index is relative to the whole view. */
export function execInWindows(pattern: RegExp, view: string, windows: Array<[number, number]> | undefined): { index: number } | null {
  if (windows === undefined) return pattern.exec(view);
  for (const [start, end] of windows) {
    // Cut at whitespace so a window never starts or ends inside a word (`\b` would lie).
    let from = start;
    while (from > 0 && !isSpace(view.charCodeAt(from - 1))) from--;
    let to = end;
    while (to < view.length && !isSpace(view.charCodeAt(to))) to++;
    const match = pattern.exec(view.slice(from, to));
    if (match) return { index: from + match.index };
  }
  return null;
}
