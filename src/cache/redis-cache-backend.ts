import type { Redis } from 'ioredis';
import { scanRedisPrefix } from './scan-redis-prefix.js';
import { loadIoredis } from '../server/load-optional-module.js';
import type { CacheBackend, CacheEntry } from './cache-backend.js';

const namespace = 'sluice:cache:v1:';

/**
 * Entries shared by every gateway instance, with the TTL kept by Redis itself. Commands fail
 * fast while Redis is away (no offline queue, a short command timeout), so a request waits at
 * most `commandTimeoutMs` before it is served as a miss.
 */
export class RedisCacheBackend implements CacheBackend {
  readonly client: Redis;

  constructor(url: string, commandTimeoutMs = 250) {
    this.client = new (loadIoredis().Redis)(url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: commandTimeoutMs,
      // Keep trying in the background: the cache comes back by itself when Redis does.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Errors reach the caller through the failed command; the event would crash the process.
    this.client.on('error', () => undefined);
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const text = await this.client.get(namespace + key);
    return text === null ? undefined : (JSON.parse(text) as CacheEntry);
  }

  async set(key: string, answer: CacheEntry, ttlSeconds: number): Promise<void> {
    if (ttlSeconds <= 0) return;
    await this.client.set(namespace + key, JSON.stringify(answer), 'EX', ttlSeconds);
  }

  async purge(prefix: string): Promise<number> {
    let count = 0;
    await scanRedisPrefix(this.client, namespace + prefix, async (keys) => {
      count += await this.client.del(...keys);
    });
    return count;
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
