import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { CachedAnswer } from '../cache-backend.js';
import type { SemanticEntry, SemanticMatch, SemanticVectorStore } from './vector-store.js';

/**
 * Vectors in the PostgreSQL store's database, table `semantic_cache_entries` (migration 8).
 * pgvector is not assumed (it is not installed on stock Debian PostgreSQL): vectors are `real[]`
 * at unit length and the cosine similarity is a dot product computed in SQL over the request's
 * bucket only, so just the best row travels back. The bucket's `max_entries` bounds the scan
 * (about 60 ms for 1,000 entries of 512 dimensions measured on the project's machine).
 */
export class PostgresVectorStore implements SemanticVectorStore {
  private lastSweepMs = 0;

  constructor(
    readonly pool: Pool,
    private readonly now: () => number = Date.now,
  ) {}

  static async connect(url: string, timeoutMs: number, now: () => number = Date.now): Promise<PostgresVectorStore> {
    const { default: pg } = await import('pg');
    // The URL's own `options` (search_path) picks the store's schema, as it does for the store.
    const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, statement_timeout: timeoutMs });
    // An idle connection dropped by the server emits 'error' on the pool; it must not crash the process.
    pool.on('error', () => undefined);
    return new PostgresVectorStore(pool, now);
  }

  async search(bucket: string, vector: Float32Array, threshold: number): Promise<SemanticMatch | undefined> {
    const now = this.now();
    const result = await this.pool.query<{ id: string; answer: string; similarity: number }>(
      `SELECT id, answer, similarity FROM (
         SELECT id, answer, (SELECT sum(stored * asked) FROM unnest(embedding, $2::real[]) AS pair (stored, asked)) AS similarity
         FROM semantic_cache_entries
         WHERE bucket = $1 AND expires_at_ms > $3 AND cardinality(embedding) = cardinality($2::real[])
       ) AS scored
       WHERE similarity >= $4
       ORDER BY similarity DESC
       LIMIT 1`,
      [bucket, Array.from(vector), now, threshold],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    // Recency for the bucket's LRU bound; not awaited, a lost update only ages an entry early.
    this.pool.query('UPDATE semantic_cache_entries SET used_at_ms = $3 WHERE bucket = $1 AND id = $2', [bucket, row.id, now]).catch(() => undefined);
    return { id: row.id, similarity: Number(row.similarity), answer: JSON.parse(row.answer) as CachedAnswer };
  }

  async add(bucket: string, entry: SemanticEntry): Promise<void> {
    if (entry.ttlSeconds <= 0) return;
    const now = this.now();
    await this.pool.query(
      `INSERT INTO semantic_cache_entries (bucket, id, embedding, answer, expires_at_ms, used_at_ms) VALUES ($1, $2, $3::real[], $4, $5, $6)`,
      [bucket, randomUUID(), Array.from(entry.vector), JSON.stringify(entry.answer), now + entry.ttlSeconds * 1000, now],
    );
    await this.pool.query(
      `DELETE FROM semantic_cache_entries WHERE bucket = $1 AND (expires_at_ms <= $2 OR id IN (
         SELECT id FROM semantic_cache_entries WHERE bucket = $1 ORDER BY used_at_ms DESC, id OFFSET $3))`,
      [bucket, now, entry.maxEntries],
    );
    // Buckets nobody writes to any more still lose their expired rows, once a minute per instance.
    if (now - this.lastSweepMs >= 60_000) {
      this.lastSweepMs = now;
      await this.pool.query('DELETE FROM semantic_cache_entries WHERE expires_at_ms <= $1', [now]);
    }
  }

  async purge(prefix: string): Promise<number> {
    const result = await this.pool.query('DELETE FROM semantic_cache_entries WHERE starts_with(bucket, $1)', [prefix]);
    return result.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
