import { randomFillSync } from 'node:crypto';

/**
 * Random ids for every request (trace and span ids) drawn from a pool filled 4 KB at a time:
 * one `randomBytes` call per id cost ~1 µs of a synchronous crypto call each on the hot path.
 * Same CSPRNG, fewer calls — as node's own `randomUUID` does.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

export function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const text = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return text;
}
