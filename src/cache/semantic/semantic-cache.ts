import type { Logger } from 'pino';
import type { GatewayConfig } from '../../config/config-schema.js';
import type { CancelSignal } from '../../http/cancellation.js';
import type { Embedder, EmbeddingCall } from './embedder.js';
import { GatewayEmbedder, type GatewayEmbedderDependencies } from './gateway-embedder.js';
import { LocalEmbedder } from './local-embedder.js';
import type { SemanticEntry, SemanticMatch, SemanticVectorStore } from './vector-store.js';

export type SemanticBackend = 'memory' | 'redis' | 'postgres';

/** `cache.semantic.backend`, else the exact cache's choice: Redis when it is shared, else memory. */
export function semanticBackendOf(config: GatewayConfig): SemanticBackend {
  return config.cache.semantic.backend ?? (config.cache.backend === 'redis' ? 'redis' : 'memory');
}

/** Rejects after `ms` so a stuck embedding or search costs at most that much. */
function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The semantic cache a gateway shares across requests: its embedders and its vector store, both
 * created on first use (a gateway whose routes never enable it loads neither). Every failure —
 * embedding model down, vector store down or slow — is logged and answered as a miss: the
 * semantic cache may cost time, never a request.
 */
export class SemanticCache {
  private readonly embedders = new Map<string, Embedder>();
  private store: Promise<SemanticVectorStore> | undefined;
  private lastFailureLogMs = 0;
  /** Semantic look-ups since start, for tests and operators. */
  readonly counts = { HIT: 0, MISS: 0, FAILED: 0 };

  constructor(
    private readonly config: GatewayConfig,
    private readonly dependencies: GatewayEmbedderDependencies,
    private readonly logger: Logger,
    /** Replaceable before first use (tests of expiry). */
    public now: () => number = Date.now,
  ) {}

  embedderFor(model: string): Embedder {
    let embedder = this.embedders.get(model);
    if (!embedder) {
      embedder = model === 'local' ? new LocalEmbedder() : new GatewayEmbedder(model, this.dependencies, this.config.cache.semantic.timeout_ms);
      this.embedders.set(model, embedder);
    }
    return embedder;
  }

  /** The prompt's unit vector, or undefined when the embedding failed (the request goes on as a miss). */
  async embed(embedder: Embedder, text: string, signal: CancelSignal, onCall?: (call: EmbeddingCall) => void): Promise<Float32Array | undefined> {
    try {
      await embedder.prepare?.();
      return await withTimeout(embedder.embed(text, signal, onCall), this.config.cache.semantic.timeout_ms, `embedding with "${embedder.id}"`);
    } catch (error) {
      this.failed(error, 'embedding failed');
      return undefined;
    }
  }

  async search(bucket: string, vector: Float32Array, threshold: number): Promise<SemanticMatch | undefined> {
    try {
      const store = await this.vectorStore();
      const match = await withTimeout(store.search(bucket, vector, threshold), this.config.cache.semantic.timeout_ms, 'semantic search');
      this.counts[match ? 'HIT' : 'MISS'] += 1;
      return match;
    } catch (error) {
      this.failed(error, 'vector store search failed');
      return undefined;
    }
  }

  /** Not awaited by the request: the client already has its answer. */
  add(bucket: string, entry: SemanticEntry): Promise<void> {
    return this.vectorStore()
      .then((store) => store.add(bucket, entry))
      .catch((error: unknown) => this.failed(error, 'vector store write failed'));
  }

  /**
   * Deletes entries of buckets starting with `prefix` (the exact cache's `route|tenant|` form;
   * '' = all). Errors propagate: the admin asking must know a purge failed. Without a semantic
   * route there is nothing to purge, and no store is created for it.
   */
  async purge(prefix: string): Promise<number> {
    if (!Object.values(this.config.routes).some((route) => route.cache?.semantic)) return 0;
    return (await this.vectorStore()).purge(prefix);
  }

  async close(): Promise<void> {
    for (const embedder of this.embedders.values()) await embedder.close?.();
    this.embedders.clear();
    const store = this.store;
    this.store = undefined;
    if (store) await (await store.catch(() => undefined))?.close();
  }

  /** The configured store, created on first use; a failed creation is retried on the next request. */
  vectorStore(): Promise<SemanticVectorStore> {
    this.store ??= this.createStore().catch((error: unknown) => {
      this.store = undefined;
      throw error;
    });
    return this.store;
  }

  private async createStore(): Promise<SemanticVectorStore> {
    const { config } = this;
    const settings = config.cache.semantic;
    switch (semanticBackendOf(config)) {
      case 'redis': {
        const { RedisVectorStore } = await import('./redis-vector-store.js');
        return new RedisVectorStore(settings.url ?? config.cache.url ?? config.redis ?? 'redis://127.0.0.1:6379', settings.timeout_ms, () => this.now());
      }
      case 'postgres': {
        const { PostgresVectorStore } = await import('./postgres-vector-store.js');
        return PostgresVectorStore.connect(config.storage, settings.timeout_ms, () => this.now());
      }
      default: {
        const { MemoryVectorStore } = await import('./memory-vector-store.js');
        return new MemoryVectorStore(settings.max_entries, () => this.now());
      }
    }
  }

  private failed(error: unknown, message: string): void {
    this.counts.FAILED += 1;
    // One line per 10 s: with a backend down every request would log otherwise.
    const now = Date.now();
    if (now - this.lastFailureLogMs < 10_000) return;
    this.lastFailureLogMs = now;
    this.logger.warn({ err: error }, `semantic cache: ${message}; serving without it`);
  }
}
