import { randomHex } from './random-hex.js';

/**
 * A request id in the UUID version 7 layout (RFC 9562): 48 bits of Unix milliseconds, then 74
 * random bits. Still unique and opaque to clients, but ids of later requests sort later, so the
 * request log's id index is appended at its right edge: random v4 ids inserted each one at a
 * random leaf of that index — at a million rows and more, a page-cache miss and a dirty page per
 * row on the log writer thread.
 */
export function newRequestId(nowMs = Date.now()): string {
  const time = nowMs.toString(16).padStart(12, '0');
  const random = randomHex(10);
  // The variant's two high bits are 10: the first random nibble becomes 8, 9, a or b.
  const variant = ((parseInt(random[3]!, 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(0, 3)}-${variant}${random.slice(4, 7)}-${random.slice(7, 19)}`;
}
