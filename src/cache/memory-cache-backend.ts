import type { CacheBackend, CacheEntry } from './cache-backend.js';

interface MemoryEntry {
  answer: CacheEntry;
  bytes: number;
  expiresAtMs: number;
}

/**
 * An in-process LRU bounded by bytes (not entries: one long answer can weigh as much as a
 * thousand short ones). A Map keeps insertion order, so re-inserting on read makes the first
 * key the least recently used.
 */
export class MemoryCacheBackend implements CacheBackend {
  private readonly entries = new Map<string, MemoryEntry>();
  private totalBytes = 0;

  constructor(
    private readonly maxBytes: number,
    /** Injectable so TTL expiry is tested without waiting. */
    private readonly now: () => number = Date.now,
  ) {}

  get bytes(): number {
    return this.totalBytes;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.now()) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.answer;
  }

  async set(key: string, answer: CacheEntry, ttlSeconds: number): Promise<void> {
    // Approximates the heap cost by the JSON size: what the byte bound is about is the answers.
    const bytes = key.length + JSON.stringify(answer).length;
    if (bytes > this.maxBytes) return;
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    this.entries.set(key, { answer, bytes, expiresAtMs: this.now() + ttlSeconds * 1000 });
    this.totalBytes += bytes;
    for (const [oldestKey, oldest] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.remove(oldestKey, oldest);
    }
  }

  async purge(prefix: string): Promise<number> {
    let count = 0;
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      this.remove(key, entry);
      count += 1;
    }
    return count;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.totalBytes = 0;
  }

  private remove(key: string, entry: MemoryEntry): void {
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}
