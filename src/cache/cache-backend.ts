import type { ChatCompletion } from '../schema/chat-completion-response.js';
import type { EmbeddingsResponse } from '../schema/embeddings.js';

/** Who produced a stored answer and what it cost. */
interface StoredAnswerOrigin {
  /** What the original call cost (USD), reported as saved by each hit; null when unknown. */
  costUsd: number | null;
  provider: string;
  model: string;
  storedAtMs: number;
}

/** A chat entry: the complete answer, whichever way it was first delivered. */
export interface CachedAnswer extends StoredAnswerOrigin {
  completion: ChatCompletion;
}

/** A `/v1/embeddings` entry: the upstream's list, before it is put in the encoding the client asked for. */
export interface CachedEmbeddings extends StoredAnswerOrigin {
  embeddings: EmbeddingsResponse;
}

/** What one cache entry holds. Keys hash the endpoint, so a key only ever finds its own kind. */
export type CacheEntry = CachedAnswer | CachedEmbeddings;

/**
 * Where entries live (DESIGN.md §2.5: memory and Redis). A backend never throws to the request:
 * the response cache treats a failure as a miss, so errors here are allowed to propagate to it.
 */
export interface CacheBackend {
  get(key: string): Promise<CacheEntry | undefined>;
  set(key: string, answer: CacheEntry, ttlSeconds: number): Promise<void>;
  /** Deletes entries whose key starts with `prefix` ('' = all); returns how many went. */
  purge(prefix: string): Promise<number>;
  close(): Promise<void>;
}
