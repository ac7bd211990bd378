import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import type { EmbeddingsResponse } from '../schema/embeddings.js';
import type { CachedEmbeddings } from './cache-backend.js';
import { cachePolicyOf, type CachePolicy } from './cache-policy.js';
import { serveHit, setCacheStatus } from './serve-hit.js';

/** Stores a miss's list when it is whole (one vector per input) and small enough. */
function keepEmbeddings(context: RequestContext, policy: Extract<CachePolicy, { mode: 'use' }>, embeddings: EmbeddingsResponse): void {
  if (!context.target || policy.ttlSeconds <= 0 || !Array.isArray(embeddings.data) || embeddings.data.length === 0) return;
  const cache = context.gateway.cache;
  const entry: CachedEmbeddings = { embeddings, costUsd: context.cost?.usd ?? null, provider: context.target.provider.name, model: context.target.qualifiedModel, storedAtMs: cache.now() };
  if (JSON.stringify(entry).length <= policy.maxBytesPerEntry) cache.store(policy.key, entry, policy.ttlSeconds);
}

/**
 * The exact cache of `POST /v1/embeddings`, with the chat cache's rules (route `cache:`, the
 * x-sluice-cache-* headers, Cache-Control, tenant scope). It sits after the request guardrails
 * (the key hashes the input as they left it) and before the usage stage, which a hit skips.
 * The key hashes everything but `user`, so `dimensions` and `encoding_format` split entries.
 * No single-flight: an embedding is short and cheap next to a chat answer.
 */
export const cacheEmbeddingsResponse: Stage = (context, next) => {
  const policy = cachePolicyOf(context);
  // Off (most routes): not async, like the chat cache stage.
  if (policy.mode === 'off') return next();
  return cacheEmbeddingsWithPolicy(context, next, policy);
};

async function cacheEmbeddingsWithPolicy(context: RequestContext, next: () => Promise<void>, policy: Exclude<CachePolicy, { mode: 'off' }>): Promise<void> {
  if (policy.mode === 'bypass') {
    setCacheStatus(context, 'BYPASS');
    return next();
  }
  if (policy.lookup) {
    const stored = await context.gateway.cache.lookup(policy.key);
    if (stored) return serveHit(context, stored);
  }
  setCacheStatus(context, 'MISS');
  await next();
  const result = context.result;
  // Pushed after the usage stage's finisher (which runs inside this one), so the cost is known.
  context.finishers.push((failure) => {
    if (failure === undefined && result?.kind === 'embeddings') keepEmbeddings(context, policy, result.embeddings);
  });
}
