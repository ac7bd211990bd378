import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { CacheBackend, CacheEntry } from './cache-backend.js';
import { MemoryCacheBackend } from './memory-cache-backend.js';
import { RedisCacheBackend } from './redis-cache-backend.js';
import { defaultFlightLimits, SharedFlight } from './shared-flight.js';

export type CacheStatus = 'HIT' | 'MISS' | 'BYPASS';

/**
 * The response cache a gateway shares across requests: a backend plus the in-flight misses.
 * Backend failures are logged and answered as a miss (or a skipped store): a cache outage must
 * cost speed, never a request.
 */
export class ResponseCache {
  private readonly flights = new Map<string, SharedFlight>();
  /** Requests answered per status since start, for metrics and the hit ratio. */
  readonly counts: Record<CacheStatus, number> = { HIT: 0, MISS: 0, BYPASS: 0 };
  private lastFailureLogMs = 0;

  constructor(
    readonly backend: CacheBackend,
    private readonly logger: Logger,
    readonly now: () => number = Date.now,
  ) {}

  async lookup(key: string): Promise<CacheEntry | undefined> {
    try {
      return await this.backend.get(key);
    } catch (error) {
      this.backendFailed(error);
      return undefined;
    }
  }

  store(key: string, answer: CacheEntry, ttlSeconds: number): void {
    // Not awaited: the client already has its answer, and a slow backend must not hold the finisher.
    this.backend.set(key, answer, ttlSeconds).catch((error: unknown) => this.backendFailed(error));
  }

  /** The identical miss already calling upstream, if one is and still takes joiners. */
  joinFlight(key: string): SharedFlight | undefined {
    return this.flights.get(key);
  }

  /**
   * Registers this request as the one calling upstream for `key`; identical misses join it
   * until it settles, fails or grows past `maxBytes` (see SharedFlight).
   */
  startFlight(key: string, maxBytes: number): SharedFlight {
    const flight: SharedFlight = new SharedFlight({ maxBytes, ...defaultFlightLimits }, () => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    this.flights.set(key, flight);
    return flight;
  }

  /** Misses in flight (for tests and stats). */
  get flightCount(): number {
    return this.flights.size;
  }

  async purge(prefix: string): Promise<number> {
    return this.backend.purge(prefix);
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  private backendFailed(error: unknown): void {
    // One line per 10 s: when Redis is down every request would log otherwise.
    const now = Date.now();
    if (now - this.lastFailureLogMs < 10_000) return;
    this.lastFailureLogMs = now;
    this.logger.warn({ err: error }, 'response cache backend failed; serving without cache');
  }
}

export function createResponseCache(config: GatewayConfig, logger: Logger): ResponseCache {
  const { cache } = config;
  if (cache.backend === 'redis') {
    // DESIGN.md §1's default Redis when neither the cache nor the gateway names one.
    return new ResponseCache(new RedisCacheBackend(cache.url ?? config.redis ?? 'redis://127.0.0.1:6379', cache.redis_timeout_ms), logger);
  }
  return new ResponseCache(new MemoryCacheBackend(cache.max_bytes), logger);
}
