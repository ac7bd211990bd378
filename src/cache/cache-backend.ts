import type { ChatCompletion } from '../schema/chat-completion-response.js';

/** What one cache entry holds: the complete answer, whichever way it was first delivered. */
export interface CachedAnswer {
  completion: ChatCompletion;
  /** What the original call cost (USD), reported as saved by each hit; null when unknown. */
  costUsd: number | null;
  provider: string;
  model: string;
  storedAtMs: number;
}

/**
 * Where entries live (DESIGN.md §2.5: memory and Redis). A backend never throws to the request:
 * the response cache treats a failure as a miss, so errors here are allowed to propagate to it.
 */
export interface CacheBackend {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer, ttlSeconds: number): Promise<void>;
  /** Deletes entries whose key starts with `prefix` ('' = all); returns how many went. */
  purge(prefix: string): Promise<number>;
  close(): Promise<void>;
}
