import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { scanRedisPrefix } from '../scan-redis-prefix.js';
import type { CachedAnswer } from '../cache-backend.js';
import { dotProduct, vectorFromBytes, vectorToBytes } from './unit-vector.js';
import type { SemanticEntry, SemanticMatch, SemanticVectorStore } from './vector-store.js';

const namespace = 'sluice:semantic:v1:';

/**
 * Vectors shared by every gateway instance. RediSearch is not available on a stock Redis, so a
 * bucket is searched by brute force here: one HGETALL of its vectors (each stored as 8 bytes of
 * expiry time + float32s) and a dot product per entry. Per bucket:
 *   `<bucket>:vectors` hash id → expiry + vector; `<bucket>:used` sorted set id → last use (LRU);
 *   `<bucket>:answer:<id>` the answer, with its TTL kept by Redis.
 * The hash and the set expire with the longest-lived entry, so an idle bucket leaves by itself.
 */
export class RedisVectorStore implements SemanticVectorStore {
  readonly client: Redis;

  constructor(url: string, commandTimeoutMs: number, private readonly now: () => number = Date.now) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: commandTimeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Errors reach the caller through the failed command; the event would crash the process.
    this.client.on('error', () => undefined);
  }

  async search(bucket: string, vector: Float32Array, threshold: number): Promise<SemanticMatch | undefined> {
    const keys = keysOf(bucket);
    const stored = await this.client.hgetallBuffer(keys.vectors);
    const now = this.now();
    const expired: string[] = [];
    let bestId: string | undefined;
    let bestSimilarity = -Infinity;
    for (const [id, bytes] of Object.entries(stored)) {
      if (bytes.byteLength < 8 || bytes.readDoubleLE(0) <= now) {
        expired.push(id);
        continue;
      }
      const similarity = dotProduct(vector, vectorFromBytes(bytes.subarray(8)));
      if (similarity > bestSimilarity) {
        bestId = id;
        bestSimilarity = similarity;
      }
    }
    if (expired.length > 0) void this.forget(bucket, expired).catch(() => undefined);
    if (bestId === undefined || bestSimilarity < threshold) return undefined;
    const text = await this.client.get(keys.answer(bestId));
    if (text === null) {
      void this.forget(bucket, [bestId]).catch(() => undefined);
      return undefined;
    }
    void this.client.zadd(keys.used, now, bestId).catch(() => undefined);
    return { id: bestId, similarity: bestSimilarity, answer: JSON.parse(text) as CachedAnswer };
  }

  async add(bucket: string, entry: SemanticEntry): Promise<void> {
    if (entry.ttlSeconds <= 0) return;
    const keys = keysOf(bucket);
    const id = randomUUID();
    const now = this.now();
    const ttlMs = entry.ttlSeconds * 1000;
    const header = Buffer.alloc(8);
    header.writeDoubleLE(now + ttlMs, 0);
    const results = await this.client
      .multi()
      .set(keys.answer(id), JSON.stringify(entry.answer), 'PX', ttlMs)
      .hset(keys.vectors, id, Buffer.concat([header, vectorToBytes(entry.vector)]))
      .zadd(keys.used, now, id)
      // Only ever lengthened: a shorter-lived newcomer must not cut older entries' life short.
      .pexpire(keys.vectors, ttlMs, 'GT')
      .pexpire(keys.used, ttlMs, 'GT')
      // PEXPIRE … GT leaves a key without a TTL alone: give a new bucket its first one.
      .pexpire(keys.vectors, ttlMs, 'NX')
      .pexpire(keys.used, ttlMs, 'NX')
      .zcard(keys.used)
      .exec();
    const count = Number(results?.at(-1)?.[1] ?? 0);
    if (count > entry.maxEntries) {
      const oldest = await this.client.zrange(keys.used, 0, String(count - entry.maxEntries - 1));
      if (oldest.length > 0) await this.forget(bucket, oldest);
    }
  }

  async purge(prefix: string): Promise<number> {
    let count = 0;
    await scanRedisPrefix(this.client, namespace + prefix, async (keys) => {
      for (const key of keys) if (key.endsWith(':vectors')) count += await this.client.hlen(key);
      await this.client.del(...keys);
    });
    return count;
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }

  private async forget(bucket: string, ids: string[]): Promise<void> {
    const keys = keysOf(bucket);
    await this.client
      .multi()
      .hdel(keys.vectors, ...ids)
      .zrem(keys.used, ...ids)
      .del(...ids.map((id) => keys.answer(id)))
      .exec();
  }
}

function keysOf(bucket: string) {
  const base = namespace + bucket;
  return { vectors: `${base}:vectors`, used: `${base}:used`, answer: (id: string) => `${base}:answer:${id}` };
}
