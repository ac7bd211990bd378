/**
 * Turns a text into what its author meant a model to read: hidden Unicode tag characters
 * decoded, zero-width characters removed, fullwidth and homoglyph letters folded, leetspeak and
 * letter-spacing undone, and base64 / hex / URL-encoded / ROT13 / reversed / split payloads
 * decoded. The signals then run once over the joined result, so an obfuscated attack scores like
 * the plain one. Each step first checks cheaply whether it can apply: plain prose pays for
 * little more than a lowercase copy.
 */
import { readAcrostics, reassembleAssignments } from './reassemble-split-payloads.js';
import { longestWord } from './pattern-reach.js';

export interface NormalizedText {
  /** Lowercased, folded text followed by every decoded view (one per line). */
  view: string;
  /** Obfuscation evidence found on the way, as signal ids. */
  evidence: string[];
}

const zeroWidth = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
/** Bidirectional overrides reorder what is displayed: text hidden in plain sight. */
const bidiControls = /[\u202a-\u202e\u2066-\u2069]/g;
const zeroWidthInsideWord = /\p{L}[\u200b-\u200d\u2060\ufeff\u00ad]+\p{L}/gu;
const tagCharacters = /[\u{e0000}-\u{e007f}]/gu;
const nonAscii = /[^\x00-\x7f]/;

export function normalizeForInjection(text: string): NormalizedText {
  const evidence: string[] = [];
  const extras: string[] = [];
  let working = text;

  if (nonAscii.test(working)) {
    // Unicode tag characters render as nothing but models read them as ASCII.
    if (/[\u{e0000}-\u{e007f}]/u.test(working)) {
      const hidden = decodeTagCharacters(working);
      if (/[a-z]{3}/i.test(hidden)) {
        evidence.push('unicode_tags');
        extras.push(hidden);
      }
      working = working.replace(tagCharacters, '');
    }
    if (/[\u202a-\u202e\u2066-\u2069]/.test(working)) {
      evidence.push('bidi_control');
      working = working.replace(bidiControls, '');
    }
    const insideWords = working.match(zeroWidthInsideWord);
    if (insideWords && insideWords.length >= 2) evidence.push('zero_width');
    working = working.replace(zeroWidth, '').normalize('NFKC');
    if (/[a-z][\u0400-\u04ff]|[\u0400-\u04ff][a-z]/i.test(working)) {
      evidence.push('mixed_script');
      working = foldHomoglyphs(working);
    }
  }

  const lower = fixTranspositions(working.toLowerCase());
  const leet = undoLeetspeak(lower);
  if (leet !== undefined) extras.push(leet);
  const collapsed = collapseLetterSpacing(lower);
  if (collapsed !== undefined) extras.push(collapsed);
  decodePayloads(working, lower, extras, evidence);
  extras.push(...reassembleAssignments(working));
  const acrostics = readAcrostics(working, lower);
  if (acrostics.length > 0) {
    evidence.push('acrostic');
    extras.push(...acrostics);
  }
  const view = extras.length === 0 ? lower : `${lower}\n${extras.join('\n').toLowerCase()}`;
  return { view: collapseWhitespace(view), evidence };
}

/**
 * Whitespace runs shrink to two characters and words to 40, so padding cannot stretch a
 * pattern's `\s+` or `\w+` past the reach the hint windows rely on (pattern-reach.ts). Two
 * spaces, not one: letter-spaced text uses double spaces between words, and line structure
 * survives as "\n\n". Words that long are hashes and identifiers, not instructions.
 */
function collapseWhitespace(view: string): string {
  let collapsed = /\s{3}/.test(view) ? view.replace(/\s{3,}/g, (run) => (run.includes('\n') ? '\n\n' : '  ')) : view;
  if (longestWordRun(collapsed) > longestWord) collapsed = collapsed.replace(/[a-z0-9_'-]{41,}/g, (word) => word.slice(0, longestWord));
  return collapsed;
}

function longestWordRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const wordCharacter = (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 39 || code === 45;
    run = wordCharacter ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

/**
 * Key words whose letters attackers swap to slip past exact matching ("ignroe", "instrucitons").
 * One pass finds words of a key word's length, first letter and letters; only those are sorted.
 */
const keyWords = ['ignore', 'previous', 'instructions', 'disregard', 'forget', 'system', 'prompt', 'reveal', 'guidelines', 'restrictions'];
const keyWordsByShape = new Map(keyWords.map((word) => [`${word[0]}${word.length}`, { word, letters: [...word].sort().join('') }]));
const transposedCandidate = new RegExp(
  keyWords.map((word) => `\\b${word[0]}[${[...new Set(word.slice(1))].join('')}]{${word.length - 1}}\\b`).join('|'),
  'g',
);

function fixTranspositions(lower: string): string {
  return lower.replace(transposedCandidate, (token) => {
    const candidate = keyWordsByShape.get(`${token[0]}${token.length}`);
    if (!candidate || candidate.word === token) return token;
    return [...token].sort().join('') === candidate.letters ? candidate.word : token;
  });
}

function decodeTagCharacters(text: string): string {
  let hidden = '';
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code >= 0xe0020 && code <= 0xe007e) hidden += String.fromCharCode(code - 0xe0000);
  }
  return hidden;
}

const homoglyphs: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ɡ: 'g', һ: 'h', ӏ: 'l', ո: 'n',
  А: 'A', Е: 'E', О: 'O', Р: 'P', С: 'C', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S', Т: 'T', М: 'M', Н: 'H', К: 'K', В: 'B',
};

function foldHomoglyphs(text: string): string {
  // Only words that mix scripts are folded: Russian prose stays Russian.
  return text.replace(/\S*[a-z]\S*/gi, (word) => (/[\u0400-\u04ff]/.test(word) ? word.replace(/[\u0400-\u04ff]/g, (letter) => homoglyphs[letter] ?? letter) : word));
}

const leetMap: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's', '!': 'i', '|': 'l' };
/** Digits inside words; "@" alone is not counted, e-mail addresses have it between letters. */
const leetSign = /[a-z][013457][a-z]|(?<![a-z0-9])[0134][a-z]{2}/g;
const leetWord = /(?<![a-z0-9@$!|])[a-z013457@$!|]*[a-z][a-z013457@$!|]*/g;

/** Only when several words mix letters and digit-letters: "b2b" or "mp3" alone is not leetspeak. */
function undoLeetspeak(lower: string): string | undefined {
  if (!/[013457]/.test(lower)) return undefined;
  const signs = lower.match(leetSign);
  if (!signs || signs.length < 3) return undefined;
  return lower.replace(leetWord, (word) => (/[013457@$!|]/.test(word) ? word.replace(/[013457@$!|]/g, (character) => leetMap[character] ?? character) : word));
}

/**
 * "i.g.n.o.r.e" and "r-e-v-e-a-l y-o-u-r" become words first (the spaces between them stay);
 * then "i g n o r e   a l l" collapses, gaps of two or more spaces separating words.
 */
function collapseLetterSpacing(lower: string): string | undefined {
  if (!/(?:^|[^a-z])[a-z][ ._*-][a-z][ ._*-][a-z][ ._*-][a-z](?![a-z])/.test(lower)) return undefined;
  const joined = lower.replace(/(?<![a-z])[a-z](?:[._*-][a-z](?![a-z])){2,}/g, (run) => run.replace(/[._*-]/g, ''));
  return joined.replace(/(?<![a-z])[a-z](?: [a-z](?![a-z])){3,}/g, (run) => run.replace(/ /g, ''));
}

const base64Run = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
const hexRun = /(?:(?:\\x|0x)?[0-9a-f]{2}[ :]?){10,}/gi;
const percentRun = /(?:%[0-9a-f]{2}){4,}/gi;

function decodePayloads(text: string, lower: string, extras: string[], evidence: string[]): void {
  let decoded = false;
  const runs = longestRuns(text);
  if (runs.base64 >= 16) {
    for (const run of text.match(base64Run) ?? []) {
      // Identifiers and hashes are long runs too; only readable prose counts as a payload.
      if (!/[0-9+/=]/.test(run) && !/[A-Z].*[a-z].*[A-Z]/.test(run)) continue;
      const plain = readable(Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'));
      if (plain) {
        extras.push(plain);
        decoded = true;
      }
    }
  }
  if (runs.hex >= 20 || text.includes('\\x')) {
    for (const run of text.match(hexRun) ?? []) {
      const plain = readable(Buffer.from(run.replace(/\\x|0x|[ :]/gi, ''), 'hex').toString('latin1'));
      if (plain) {
        extras.push(plain);
        decoded = true;
      }
    }
  }
  if (text.includes('%')) {
    for (const run of text.match(percentRun) ?? []) {
      try {
        extras.push(decodeURIComponent(run));
        decoded = true;
      } catch {
        // Not valid percent-encoding: nothing hidden there.
      }
    }
  }
  if (decoded) evidence.push('encoded_payload');
  if (/\brot-?13\b/.test(lower)) extras.push(rot13(lower));
  if (/\bbackwards?\b|\breversed?\b|\bin reverse\b/.test(lower)) extras.push([...lower].reverse().join(''));
  // Quote marks next to letters are apostrophes ("don't"), not fragments.
  const fragments = /["'] ?[,+] ?["']|["'] ["']/.test(lower) ? lower.match(/(?<![a-z])(["'])[^"'\n]{1,20}\1(?![a-z])/g) : null;
  if (fragments && fragments.length >= 3) extras.push(fragments.map((fragment) => fragment.slice(1, -1)).join(''));
}

/** Bit 1: base64 alphabet (with base64url's - and _); bit 2: hex digit. */
const characterClasses = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const character = String.fromCharCode(code);
  if (/[A-Za-z0-9+/_-]/.test(character)) characterClasses[code] |= 1;
  if (/[0-9a-fA-F]/.test(character)) characterClasses[code] |= 2;
}

/**
 * Longest base64-alphabet and hex runs, in one character loop: the regex `[A-Za-z0-9+/]{16}`
 * alone measured 29 µs on 2 KB of prose.
 */
function longestRuns(text: string): { base64: number; hex: number } {
  let base64 = 0;
  let hex = 0;
  let base64Run = 0;
  let hexRun = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const classes = code < 128 ? characterClasses[code] : 0;
    base64Run = classes & 1 ? base64Run + 1 : 0;
    hexRun = classes & 2 ? hexRun + 1 : 0;
    if (base64Run > base64) base64 = base64Run;
    if (hexRun > hex) hex = hexRun;
  }
  return { base64, hex };
}

/** Decoded bytes count as text when they are mostly printable and contain words. */
function readable(decoded: string): string | undefined {
  if (decoded.length < 8) return undefined;
  let printable = 0;
  for (let index = 0; index < decoded.length; index++) {
    const code = decoded.charCodeAt(index);
    if ((code >= 32 && code < 127) || code === 10) printable++;
  }
  return printable / decoded.length >= 0.9 && /[a-z]{3,} [a-z]{2,}/i.test(decoded) ? decoded : undefined;
}

function rot13(text: string): string {
  return text.replace(/[a-z]/g, (letter) => String.fromCharCode(((letter.charCodeAt(0) - 97 + 13) % 26) + 97));
}
