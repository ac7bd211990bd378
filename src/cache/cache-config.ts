import { z } from 'zod';
import { integer } from '../config/config-primitives.js';
import { semanticStoreConfigSchema } from './semantic/semantic-config.js';


/**
 * The gateway-wide `cache:` section. Caching is off unless a route sets `cache.ttl`, this
 * section sets a default `ttl`, or a request sends `x-sluice-cache-ttl`.
 */
export const cacheConfigSchema = z
  .strictObject({
    /** memory: this process only (LRU bounded by `max_bytes`); redis: shared through the top-level `redis` URL. */
    backend: z.enum(['memory', 'redis']).default('memory'),
    /** The redis backend's server when it is not the top-level `redis` (e.g. a separate cache instance). */
    url: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
    /** Who shares entries: a team (default), a single key, or every caller. */
    scope: z.enum(['team', 'key', 'global']).default('team'),
    /** Default time to live in seconds for requests whose route sets none; 0 = off. */
    ttl: integer(0).default(0),
    /** Total size of the memory backend; least recently used entries leave first. */
    max_bytes: integer(1).default(64 * 1024 * 1024),
    /**
     * The redis backend gives up on a command after this long and serves a miss: a slow cache
     * must not slow requests down more than this.
     */
    redis_timeout_ms: integer(1).default(250),
    /** Larger answers are not stored (a route's `cache.max_bytes_per_entry` overrides it). */
    max_bytes_per_entry: integer(1).default(1024 * 1024),
    /** Where the semantic cache keeps its vectors (src/cache/semantic/semantic-config.ts). */
    semantic: semanticStoreConfigSchema,
  })
  .prefault({});

export type CacheConfig = z.infer<typeof cacheConfigSchema>;
