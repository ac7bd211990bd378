import { randomUUID } from 'node:crypto';
import type { CachedAnswer } from '../cache-backend.js';
import { dotProduct } from './unit-vector.js';
import type { SemanticEntry, SemanticMatch, SemanticVectorStore } from './vector-store.js';

interface StoredEntry {
  bucket: string;
  id: string;
  vector: Float32Array;
  answer: CachedAnswer;
  expiresAtMs: number;
}

/**
 * Vectors in this process: a brute-force scan of one bucket's Float32Arrays (a few thousand
 * dot products of a few hundred dimensions take well under a millisecond). Maps keep insertion
 * order, so re-inserting on use makes the first entry the least recently used, both in a
 * bucket (bounded by its `maxEntries`) and over all buckets (bounded by `maxTotalEntries`).
 */
export class MemoryVectorStore implements SemanticVectorStore {
  private readonly buckets = new Map<string, Map<string, StoredEntry>>();
  private readonly recency = new Map<StoredEntry, true>();

  constructor(
    private readonly maxTotalEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.recency.size;
  }

  async search(bucket: string, vector: Float32Array, threshold: number): Promise<SemanticMatch | undefined> {
    const entries = this.buckets.get(bucket);
    if (!entries) return undefined;
    const now = this.now();
    let best: StoredEntry | undefined;
    let bestSimilarity = -Infinity;
    for (const entry of entries.values()) {
      if (entry.expiresAtMs <= now) {
        this.remove(entry);
        continue;
      }
      const similarity = dotProduct(vector, entry.vector);
      if (similarity > bestSimilarity) {
        best = entry;
        bestSimilarity = similarity;
      }
    }
    if (!best || bestSimilarity < threshold) return undefined;
    this.touch(best);
    return { id: best.id, similarity: bestSimilarity, answer: best.answer };
  }

  async add(bucket: string, entry: SemanticEntry): Promise<void> {
    let entries = this.buckets.get(bucket);
    if (!entries) {
      entries = new Map();
      this.buckets.set(bucket, entries);
    }
    const stored: StoredEntry = { bucket, id: randomUUID(), vector: entry.vector, answer: entry.answer, expiresAtMs: this.now() + entry.ttlSeconds * 1000 };
    entries.set(stored.id, stored);
    this.recency.set(stored, true);
    for (const oldest of entries.values()) {
      if (entries.size <= entry.maxEntries) break;
      this.remove(oldest);
    }
    for (const oldest of this.recency.keys()) {
      if (this.recency.size <= this.maxTotalEntries) break;
      this.remove(oldest);
    }
  }

  async purge(prefix: string): Promise<number> {
    let count = 0;
    for (const [bucket, entries] of this.buckets) {
      if (!bucket.startsWith(prefix)) continue;
      count += entries.size;
      for (const entry of [...entries.values()]) this.remove(entry);
    }
    return count;
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.recency.clear();
  }

  private touch(entry: StoredEntry): void {
    const entries = this.buckets.get(entry.bucket)!;
    entries.delete(entry.id);
    entries.set(entry.id, entry);
    this.recency.delete(entry);
    this.recency.set(entry, true);
  }

  private remove(entry: StoredEntry): void {
    this.recency.delete(entry);
    const entries = this.buckets.get(entry.bucket);
    if (!entries) return;
    entries.delete(entry.id);
    if (entries.size === 0) this.buckets.delete(entry.bucket);
  }
}
