import type { Redis } from 'ioredis';

/**
 * Calls `batch` with each page of the keys that start with `prefix`, by SCAN, not KEYS: purging
 * must not stall a shared Redis for other clients. Glob characters in the prefix match themselves.
 */
export async function scanRedisPrefix(client: Redis, prefix: string, batch: (keys: string[]) => Promise<void>): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await batch(keys);
    cursor = next;
  } while (cursor !== '0');
}
