import { fnv1a } from '../../math/fnv1a-hash.js';
import { normalizeForInjection } from '../injection/normalize-for-injection.js';

/** A sparse feature vector: parallel arrays of bucket indices and values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

export interface NgramOptions {
  /** Size of the hashed feature space (a power of two). */
  buckets: number;
  /** Word n-gram lengths, inclusive: [1, 2] = words and word pairs. */
  wordNgrams: [number, number];
  /** Character n-gram lengths, inclusive, taken inside space-padded words. */
  charNgrams: [number, number];
}

const wordSplitter = /[^\p{L}\p{N}]+/u;

/**
 * The text as the heuristic detector reads it (lowercased, homoglyphs folded, base64, hex,
 * ROT13, reversed and split payloads decoded and appended), so that an obfuscated attack has
 * the features of the plain one. Shared by the n-gram features and the sentence embedding.
 */
export function modelView(text: string): string {
  return normalizeForInjection(text).view;
}

/**
 * Hashed word and character n-grams of a normalized text, present-or-absent, L2-normalized.
 * Character n-grams carry the model across languages the sentence encoder does not know and
 * across inflections; hashing keeps the weight file a fixed size whatever the vocabulary.
 * Each n-gram adds +1 or −1 by a second hash bit, so collisions cancel out on average.
 */
export function hashedNgrams(view: string, options: NgramOptions): SparseVector {
  const found = new Map<number, number>();
  const mask = options.buckets - 1;
  const add = (gram: string) => {
    const hash = fnv1a(gram);
    const index = hash & mask;
    if (found.has(index)) return;
    found.set(index, hash & 0x80000000 ? -1 : 1);
  };
  const words = view.split(wordSplitter).filter((word) => word !== '');
  const [shortestWords, longestWords] = options.wordNgrams;
  for (let length = shortestWords; length <= longestWords; length++) {
    for (let start = 0; start + length <= words.length; start++) add(`w${length}:${words.slice(start, start + length).join(' ')}`);
  }
  const [shortestChars, longestChars] = options.charNgrams;
  for (const word of words) {
    const padded = ` ${word.length > 40 ? word.slice(0, 40) : word} `;
    for (let length = shortestChars; length <= longestChars; length++) {
      for (let start = 0; start + length <= padded.length; start++) add(`c${padded.slice(start, start + length)}`);
    }
  }
  const indices = Int32Array.from(found.keys()).sort();
  const values = new Float64Array(indices.length);
  const scale = indices.length === 0 ? 0 : 1 / Math.sqrt(indices.length);
  for (let position = 0; position < indices.length; position++) values[position] = found.get(indices[position])! * scale;
  return { indices, values };
}

