/** A span of text a DLP detector reported. Offsets are UTF-16 indices into the scanned text. */
export interface EntitySpan {
  entity: string;
  start: number;
  end: number;
  /** Overlapping spans keep the higher priority: a specific secret beats `generic_secret`. */
  priority: number;
}

export interface EntityDetector {
  readonly entity: string;
  find(text: string, found: EntitySpan[]): void;
}

/** Accepts a match as is (true), rejects it (false), or narrows it to `[start, end)`. */
export type MatchCheck = (match: RegExpExecArray, text: string) => boolean | readonly [number, number];

export interface RegexDetectorOptions {
  /** Every match contains one of these: texts without any skip the regex (most texts, cheaply). */
  hints?: readonly string[];
  /** The same idea for hints that are character classes (a digit, an uppercase pair…). */
  hintPattern?: RegExp;
  check?: MatchCheck;
  priority?: number;
}

export function regexDetector(entity: string, pattern: RegExp, options: RegexDetectorOptions = {}): EntityDetector {
  if (!pattern.global) throw new Error(`detector ${entity}: the pattern needs the g flag`);
  const { hints, hintPattern, check, priority = 1 } = options;
  return {
    entity,
    find(text, found) {
      if (hints && !hints.some((hint) => text.includes(hint))) return;
      if (hintPattern && !hintPattern.test(text)) return;
      pattern.lastIndex = 0;
      for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
        // A pattern that can match the empty string would otherwise loop forever.
        if (match[0].length === 0) {
          pattern.lastIndex++;
          continue;
        }
        const verdict = check ? check(match, text) : true;
        if (verdict === false) continue;
        const [start, end] = verdict === true ? [match.index, match.index + match[0].length] : verdict;
        if (end > start) found.push({ entity, start, end, priority });
      }
    },
  };
}

/** Keeps one span per region: earliest first, then the higher priority, then the longer. */
export function resolveOverlaps(spans: EntitySpan[]): EntitySpan[] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a.start - b.start || b.priority - a.priority || b.end - a.end);
  const kept: EntitySpan[] = [];
  for (const span of spans) {
    const last = kept[kept.length - 1];
    if (!last || span.start >= last.end) {
      kept.push(span);
      continue;
    }
    // An overlapping span replaces the kept one only when it ranks higher.
    if (span.priority > last.priority) kept[kept.length - 1] = { ...span, start: Math.min(span.start, last.start), end: Math.max(span.end, last.end) };
  }
  return kept;
}
