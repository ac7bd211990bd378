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

export class HintIndex {
  private readonly pattern: RegExp;
  private readonly contained: Map<string, string[]>;

  constructor(hints: readonly string[]) {
    const sorted = [...new Set(hints)].sort((a, b) => b.length - a.length);
    this.pattern = new RegExp(sorted.map((hint) => hint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
    // A hint found also implies the hints it contains ("the above" contains "above").
    this.contained = new Map(sorted.map((hint) => [hint, sorted.filter((other) => hint.includes(other))]));
  }

  /** Positions of every hint in the text, overlapping occurrences included. */
  positions(view: string): Map<string, number[]> {
    const found = new Map<string, number[]>();
    const pattern = this.pattern;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(view); match !== null; match = pattern.exec(view)) {
      for (const hint of this.contained.get(match[0]) ?? [match[0]]) {
        const at = match.index + match[0].indexOf(hint);
        const list = found.get(hint);
        if (list === undefined) found.set(hint, [at]);
        else if (list[list.length - 1] !== at) list.push(at);
      }
      pattern.lastIndex = match.index + 1;
    }
    return found;
  }
}

/** Occurrences of any hint of one group, sorted; cached per text because groups are shared. */
export type GroupOccurrences = Map<readonly string[], number[]>;

function occurrencesOf(group: readonly string[], found: Map<string, number[]>, cache: GroupOccurrences): number[] {
  let occurrences = cache.get(group);
  if (occurrences === undefined) {
    occurrences = [];
    for (const hint of group) {
      const list = found.get(hint);
      if (list) for (const at of list) occurrences.push(at);
    }
    occurrences.sort((a, b) => a - b);
    cache.set(group, occurrences);
  }
  return occurrences;
}

/** Whether a sorted list has an element within `reach` of `at`. */
function hasNear(sorted: number[], at: number, reach: number): boolean {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle] < at - reach) low = middle + 1;
    else high = middle;
  }
  return low < sorted.length && sorted[low] <= at + reach;
}

/**
 * The stretches of the view a signal's pattern must examine, or undefined when the whole view
 * must be (unbounded pattern, or windows covering most of it anyway); null when the pattern
 * cannot match at all: a hint group is absent, or (for bounded patterns) no occurrence of the
 * rarest group has an occurrence of every other group within reach.
 */
export function windowsFor(signal: InjectionSignal, reach: number, found: Map<string, number[]>, cache: GroupOccurrences, length: number): Array<[number, number]> | undefined | null {
  if (!signal.hints) return undefined;
  const groups: number[][] = [];
  for (const group of signal.hints) {
    const occurrences = occurrencesOf(group, found, cache);
    if (occurrences.length === 0) return null;
    groups.push(occurrences);
  }
  if (reach === Number.POSITIVE_INFINITY) return undefined;
  let rarest = groups[0];
  for (const occurrences of groups) if (occurrences.length < rarest.length) rarest = occurrences;
  const windows: Array<[number, number]> = [];
  let covered = 0;
  for (const at of rarest) {
    if (groups.length > 1 && !groups.every((occurrences) => occurrences === rarest || hasNear(occurrences, at, reach))) continue;
    const start = Math.max(0, at - reach);
    const end = Math.min(length, at + reach);
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

/** Runs a pattern over windows; the match index is relative to the whole view. */
export function execInWindows(pattern: RegExp, view: string, windows: Array<[number, number]> | undefined): { index: number } | null {
  if (windows === undefined) return pattern.exec(view);
  for (const [start, end] of windows) {
    // Cut at whitespace so a window never starts or ends inside a word (`\b` would lie).
    let from = start;
    while (from > 0 && !/\s/.test(view[from - 1])) from--;
    let to = end;
    while (to < view.length && !/\s/.test(view[to])) to++;
    const match = pattern.exec(view.slice(from, to));
    if (match) return { index: from + match.index };
  }
  return null;
}
