import { z } from 'zod';
import { integer } from '../../config/config-primitives.js';

/**
 * `routes.<name>.cache.semantic`: answer a request from a stored answer to a similar enough
 * earlier prompt (docs/caching.md, "Semantic cache"). Absent = off, and nothing of the semantic
 * cache (embedding model, vector store) is ever loaded.
 */
export const semanticRouteConfigSchema = z.strictObject({
  /** Cosine similarity a stored prompt must reach to be served (1 = identical meaning). */
  threshold: z.number().gt(0).max(1),
  /**
   * `local`: the bundled offline sentence encoder (512-d, loaded on first use). Otherwise a route
   * name or `provider/model` of an embeddings model, called in-process through the providers.
   */
  embedding: z.string().min(1),
  /** Stored prompts per bucket (tenant × route × parameters); the least recently used leave first. */
  max_entries: integer(1).default(1000),
  /** Who shares entries; defaults to `cache.scope`. */
  scope: z.enum(['team', 'key', 'global']).optional(),
});

/** The gateway-wide `cache.semantic` section: where vectors live. */
export const semanticStoreConfigSchema = z
  .strictObject({
    /**
     * memory: this process only; redis: shared through `url`, else `cache.url`, else the top-level
     * `redis`; postgres: the `storage:` database (which must be postgres://). Unset: redis when
     * `cache.backend` is redis, else memory.
     */
    backend: z.enum(['memory', 'redis', 'postgres']).optional(),
    /** The redis backend's server when it is not `cache.url` or the top-level `redis`. */
    url: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
    /** The memory backend's bound over all buckets; least recently used entries leave first. */
    max_entries: integer(1).default(10_000),
    /** An embedding call or vector search slower than this is given up: the request goes upstream. */
    timeout_ms: integer(1).default(5_000),
  })
  .prefault({});

export type SemanticRouteConfig = z.infer<typeof semanticRouteConfigSchema>;
export type SemanticStoreConfig = z.infer<typeof semanticStoreConfigSchema>;
