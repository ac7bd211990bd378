import { isIPv6 } from 'node:net';
import type { PiiEntity } from './entity-catalog.js';
import { regexDetector, type EntityDetector } from './entity-detector.js';
import { cardIssuerKnown, ibanLength, ibanValid, luhnValid } from './checksums.js';

/**
 * Personal data detectors. Each pairs a permissive pattern with a validator (Luhn, mod-97,
 * octet ranges, digit counts), because the validator is what keeps order numbers, versions,
 * dates and hashes from being reported.
 */

const email = regexDetector(
  'email',
  /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-]|\.[A-Za-z0-9])/g,
  { hints: ['@'] },
);

const digitCount = (text: string) => text.replace(/\D/g, '').length;
const phoneWords = /(?:phone|tel|telephone|mobile|cell|call|text|fax|whatsapp|sms|reach (?:me|us) at)\b[^\d\n]{0,20}$/i;

const phone: EntityDetector = {
  entity: 'phone',
  find(text, found) {
    internationalPhone.find(text, found);
    northAmericanPhone.find(text, found);
    nationalPhone.find(text, found);
    contextualPhone.find(text, found);
  },
};

/** E.164 and its spaced forms: +44 20 7946 0958, +1 (415) 555-0132, +33 1 23 45 67 89. */
const internationalPhone = regexDetector('phone', /(?<![\w+])\+[1-9][\d ().-]{6,24}\d(?![\w-]|[.]\d)/g, {
  hints: ['+'],
  check: (match) => wellGrouped(match, 8, 15),
});

/** (415) 555-0132, 415-555-0132, 415.555.0132, 1-800-555-0199: the area code starts with 2-9. */
const northAmericanPhone = regexDetector(
  'phone',
  /(?<![\w+.-])(?:1[ .-]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}(?![\w-]|[.]\d)/g,
  { hintPattern: /\d{3}[ .)-]/ },
);

/** Trunk-prefixed national numbers: 020 7946 0958, 06-12345678, 01 23 45 67 89; unseparated only after "phone". */
const nationalPhone = regexDetector('phone', /(?<![\w+.-])0\d[\d .-]{6,16}\d(?![\w-]|[.]\d)/g, {
  hintPattern: /0\d/,
  check: (match, text) => {
    const span = wellGrouped(match, 10, 11);
    if (!span || datePrefix.test(match[0])) return false;
    const grouped = /[ .-]/.test(text.slice(span[0], span[1]));
    return grouped || phoneWords.test(text.slice(Math.max(0, match.index - 30), match.index)) ? span : false;
  },
});

const datePrefix = /^\d{2}[./-]\d{2}[./-]\d{2,4}\b/;

/**
 * Cuts a greedy candidate where its grouping breaks (two separators in a row, e.g. "0958 - 2"),
 * then checks the digit count of what remains.
 */
function wellGrouped(match: RegExpExecArray, minimumDigits: number, maximumDigits: number): false | readonly [number, number] {
  let candidate = match[0];
  const broken = /[ .-]{2}|\)\(/.exec(candidate);
  if (broken) candidate = candidate.slice(0, broken.index);
  candidate = candidate.replace(/\D+$/, '');
  if (candidate.indexOf('(') !== -1 && candidate.indexOf(')') < candidate.indexOf('(')) return false;
  const digits = digitCount(candidate);
  return inRange(digits, minimumDigits, maximumDigits) ? [match.index, match.index + candidate.length] : false;
}

/** Bare digit runs count only after a word saying they are a phone number ("call 4155550132"). */
const contextualPhone = regexDetector('phone', /(?<![\w+])\d{10,11}(?!\w)/g, {
  hintPattern: /\d{10}/,
  check: (match, text) => phoneWords.test(text.slice(Math.max(0, match.index - 30), match.index)),
});

const ssnWords = /(?:ssn|social security(?: number| no\.?)?|ss#|taxpayer id)\b[^\d\n]{0,20}$/i;

/** 123-45-6789 (never 000, 666 or 9xx areas, 00 groups or 0000 serials); bare 9 digits only after "SSN". */
const ssn = regexDetector('ssn', /(?<![\w-])(?!000|666|9\d\d)\d{3}([- ]?)(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])/g, {
  hintPattern: /\d{3}[- ]?\d{2}/,
  check: (match, text) => match[1] !== '' || ssnWords.test(text.slice(Math.max(0, match.index - 30), match.index)),
});

/** 13-19 digits, optionally grouped by spaces or dashes; a known issuer prefix and Luhn. */
const creditCard = regexDetector('credit_card', /(?<![\d-])\d(?:[ -]?\d){11,22}(?![\d])/g, {
  hintPattern: /\d{4}/,
  check: (match) => findCard(match[0], match.index),
  priority: 2,
});

/** The candidate may carry neighbouring numbers; try each run of whole groups within it. */
function findCard(candidate: string, offset: number): false | readonly [number, number] {
  const groups: Array<{ start: number; end: number }> = [];
  const pattern = /\d+/g;
  for (let match = pattern.exec(candidate); match; match = pattern.exec(candidate)) groups.push({ start: match.index, end: match.index + match[0].length });
  for (let first = 0; first < groups.length; first++) {
    let digits = '';
    for (let last = first; last < groups.length; last++) {
      digits += candidate.slice(groups[last].start, groups[last].end);
      if (digits.length > 19) break;
      if (digits.length >= 13 && cardIssuerKnown(digits) && luhnValid(digits)) return [offset + groups[first].start, offset + groups[last].end];
    }
  }
  return false;
}

/** Country code, check digits, then the BBAN in groups; the country's length and mod-97 decide. */
const iban = regexDetector('iban', /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}(?![a-z0-9])/g, {
  hintPattern: /[A-Z]{2}\d{2}/,
  check: (match) => {
    const length = ibanLength(match[0].slice(0, 2));
    if (length === undefined) return false;
    // Walk the candidate until the country's length of characters is reached (spaces do not count).
    let taken = 0;
    let end = 0;
    let compact = '';
    for (; end < match[0].length && taken < length; end++) {
      const character = match[0][end];
      if (character === ' ') continue;
      compact += character;
      taken++;
    }
    if (taken !== length || !ibanValid(compact)) return false;
    // Ending inside a group means the text went on with more characters: not this IBAN.
    if (end < match[0].length && match[0][end] !== ' ') return false;
    return [match.index, match.index + end];
  },
  priority: 2,
});

const octet = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** Dotted quads with valid octets, not inside a longer dotted number nor after "version". */
const ipv4 = regexDetector('ipv4', new RegExp(`(?<![\\w.])${octet}(?:\\.${octet}){3}(?![\\w]|\\.\\d)`, 'g'), {
  hintPattern: /\d\.\d/,
  check: (match, text) => !/(?:version|ver\.?|release|v)\s*$/i.test(text.slice(Math.max(0, match.index - 10), match.index)),
});

/** Hex groups with colons, confirmed by node's own parser; `::1`-style loopback alone is not personal. */
const ipv6 = regexDetector('ipv6', /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?:%[\w.]+)?(?![\w:]|\.\d)/g, {
  hints: [':'],
  check: (match) => {
    const address = match[0].replace(/%.*$/, '');
    const groups = address.split(':').filter((group) => group !== '');
    return groups.length >= 2 && /\d/.test(address) && isIPv6(address);
  },
});

export const piiDetectors: Record<PiiEntity, EntityDetector> = {
  email,
  phone,
  credit_card: creditCard,
  ssn,
  iban,
  ipv4,
  ipv6,
};

function inRange(value: number, minimum: number, maximum: number): boolean {
  return value >= minimum && value <= maximum;
}
