import type { RequestContext } from '../pipeline/request-context.js';
import type { ChatCompletion } from '../schema/chat-completion-response.js';
import type { CachedAnswer } from './cache-backend.js';
import type { CachePolicy } from './cache-policy.js';
import { isCacheable } from './replay-chat.js';

/**
 * Stores a miss's complete answer when it is worth repeating, and returns it (for the waiters
 * of a single-flight) — or undefined when there is nothing to share. Called from a finisher
 * registered after the usage stage's, so the cost is known.
 */
export function keepAnswer(context: RequestContext, policy: Extract<CachePolicy, { mode: 'use' }>, complete: ChatCompletion | undefined): CachedAnswer | undefined {
  if (!complete || !isCacheable(complete) || !context.target) return undefined;
  const cache = context.gateway.cache;
  const answer: CachedAnswer = { completion: complete, costUsd: context.cost?.usd ?? null, provider: context.target.provider.name, model: context.target.qualifiedModel, storedAtMs: cache.now() };
  if (policy.ttlSeconds > 0 && JSON.stringify(answer).length <= policy.maxBytesPerEntry) cache.store(policy.key, answer, policy.ttlSeconds);
  return answer;
}
