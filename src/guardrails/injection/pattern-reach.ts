/**
 * The longest text a regular expression can match, read off its source, so a pattern can run on
 * windows around its key words instead of a whole text (hint-index.ts). Covers the syntax the
 * signal patterns use: literals, escapes, classes, groups, lookarounds, alternation and
 * quantifiers. Repetition without a bound counts as:
 * - whitespace (`\s+`, `[ \t]*`): 2 — the view's whitespace runs are collapsed to two;
 * - word characters (`\w+`, `[a-z'-]+`, `\d*`): 40 — the view's longer words are cut to 40;
 * - anything else (`[^\n]+`, `\S*`, `.+`, a group): unbounded, so the pattern runs on the whole text.
 * Anchored patterns (`^`, `$`) count as unbounded too: a window's edges are no line edges.
 */
export const longestWord = 40;

interface Cursor {
  source: string;
  at: number;
  /** `^` or `$`: a window's edges would satisfy them where the whole text does not. */
  anchored: boolean;
}

export function patternReach(pattern: RegExp): number {
  const cursor = { source: pattern.source, at: 0, anchored: false };
  const reach = alternation(cursor);
  return cursor.at === cursor.source.length && !cursor.anchored ? reach : Number.POSITIVE_INFINITY;
}

function alternation(cursor: Cursor): number {
  let longest = sequence(cursor);
  while (cursor.source[cursor.at] === '|') {
    cursor.at++;
    longest = Math.max(longest, sequence(cursor));
  }
  return longest;
}

function sequence(cursor: Cursor): number {
  let total = 0;
  while (cursor.at < cursor.source.length && cursor.source[cursor.at] !== '|' && cursor.source[cursor.at] !== ')') {
    const { length, kind } = atom(cursor);
    total += quantified(cursor, length, kind);
  }
  return total;
}

type AtomKind = 'space' | 'word' | 'other' | 'empty';

function atom(cursor: Cursor): { length: number; kind: AtomKind } {
  const { source } = cursor;
  const character = source[cursor.at];
  if (character === '(') {
    cursor.at++;
    let lookaround = false;
    if (source[cursor.at] === '?') {
      const marker = source.slice(cursor.at, cursor.at + 3);
      lookaround = marker.startsWith('?=') || marker.startsWith('?!') || marker === '?<=' || marker === '?<!';
      if (marker.startsWith('?<') && !lookaround) cursor.at = source.indexOf('>', cursor.at) + 1;
      else cursor.at += marker.startsWith('?<') ? 3 : 2;
    }
    const inner = alternation(cursor);
    cursor.at++; // ')'
    return lookaround ? { length: 0, kind: 'empty' } : { length: inner, kind: 'other' };
  }
  if (character === '[') {
    const end = classEnd(source, cursor.at);
    const body = source.slice(cursor.at + 1, end);
    cursor.at = end + 1;
    return { length: 1, kind: body.startsWith('^') ? 'other' : classKind(body) };
  }
  if (character === '\\') {
    const escaped = source[cursor.at + 1];
    cursor.at += 2;
    if (escaped === 'b' || escaped === 'B') return { length: 0, kind: 'empty' };
    if (escaped === 'x') cursor.at += 2;
    if (escaped === 'u') cursor.at += source[cursor.at] === '{' ? source.indexOf('}', cursor.at) - cursor.at + 1 : 4;
    if (escaped === 's') return { length: 1, kind: 'space' };
    if (escaped === 'w' || escaped === 'd') return { length: 1, kind: 'word' };
    return { length: 1, kind: 'other' };
  }
  cursor.at++;
  if (character === '^' || character === '$') {
    cursor.anchored = true;
    return { length: 0, kind: 'empty' };
  }
  return { length: 1, kind: /[a-z0-9_'-]/i.test(character) ? 'word' : character === ' ' ? 'space' : 'other' };
}

function classEnd(source: string, start: number): number {
  let at = start + 1;
  if (source[at] === '^') at++;
  if (source[at] === ']') at++;
  while (at < source.length && source[at] !== ']') at += source[at] === '\\' ? 2 : 1;
  return at;
}

/** A class of only whitespace, or only word characters (letters, digits, _ ' -), or other. */
function classKind(body: string): AtomKind {
  const members = body.replace(/\\[sS]|\\[wWdD]|\\.|./g, (token) => (token === '\\s' ? ' ' : token === '\\w' || token === '\\d' ? 'a' : token.length === 2 ? token[1] : token));
  if (/^[ \t\n\r]+$/.test(members)) return 'space';
  if (/^[a-z0-9_'-]+$/i.test(members)) return 'word';
  return 'other';
}

function quantified(cursor: Cursor, length: number, kind: AtomKind): number {
  const { source } = cursor;
  const quantifier = source[cursor.at];
  let total = length;
  if (quantifier === '?') {
    cursor.at++;
  } else if (quantifier === '*' || quantifier === '+') {
    cursor.at++;
    total = kind === 'space' ? 2 : kind === 'word' && length === 1 ? longestWord : kind === 'empty' ? 0 : Number.POSITIVE_INFINITY;
  } else if (quantifier === '{' && /^\{\d+(?:,\d*)?\}/.test(source.slice(cursor.at))) {
    const end = source.indexOf('}', cursor.at);
    const [, upper] = source.slice(cursor.at + 1, end).split(',');
    const lower = Number(source.slice(cursor.at + 1, end).split(',')[0]);
    cursor.at = end + 1;
    const times = upper === undefined ? lower : upper === '' ? Number.POSITIVE_INFINITY : Number(upper);
    total = times === Number.POSITIVE_INFINITY ? (kind === 'space' ? 2 : kind === 'word' && length === 1 ? longestWord : Number.POSITIVE_INFINITY) : length * times;
  }
  if (source[cursor.at] === '?') cursor.at++; // lazy
  return total;
}
