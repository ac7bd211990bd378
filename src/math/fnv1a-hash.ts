/**
 * 32-bit FNV-1a over UTF-16 code units: fast, well spread, and stable across processes and
 * versions (unlike a seeded hash), so a route's hash balancing and the injection model's hashed
 * features come out the same in every instance and in the trainer.
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
