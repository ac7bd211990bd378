import type { CachedAnswer } from '../cache-backend.js';

/** The closest stored prompt at or above the threshold. */
export interface SemanticMatch {
  id: string;
  similarity: number;
  answer: CachedAnswer;
}

export interface SemanticEntry {
  /** Unit-length embedding of the prompt. */
  vector: Float32Array;
  answer: CachedAnswer;
  ttlSeconds: number;
  /** The bucket keeps at most this many entries; the least recently used leave first. */
  maxEntries: number;
}

/**
 * Where semantic entries live (DESIGN.md §2.5: memory for the embedded mode, Redis or
 * PostgreSQL shared). A bucket is one tenant × route × parameter set × embedding model; a
 * search never looks outside its bucket, so one tenant's answers cannot reach another.
 * Errors propagate: the semantic cache answers a failure as a miss.
 */
export interface SemanticVectorStore {
  /** The most similar live entry of the bucket whose similarity is ≥ `threshold`. */
  search(bucket: string, vector: Float32Array, threshold: number): Promise<SemanticMatch | undefined>;
  add(bucket: string, entry: SemanticEntry): Promise<void>;
  /** Deletes the entries of every bucket whose name starts with `prefix` ('' = all); returns how many went. */
  purge(prefix: string): Promise<number>;
  close(): Promise<void>;
}
