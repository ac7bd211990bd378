import type { Redis } from 'ioredis';
import { loadIoredis } from '../server/load-optional-module.js';
import type { Logger } from 'pino';
import type { BreakerDecision, BreakerOutcome, BreakerRecord, BreakerSettings } from './breaker-state.js';
import { MemoryBreakerStore, snapshotOf, type BreakerSnapshot, type BreakerStore } from './breaker-store.js';
import { breakerScript } from './redis-breaker-script.js';

type ScriptReply = [string, string];
interface BreakerCommands {
  sluiceBreaker(key: string, ...args: Array<string | number>): Promise<ScriptReply>;
}

export interface RedisBreakerOptions {
  /** Key prefix: instances of one deployment share it. */
  prefix?: string;
  /** How old the local copy of a breaker may get before it is re-read from Redis. */
  syncMs?: number;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

/**
 * Breakers shared by every instance through Redis, without Redis on the request's critical
 * path: decisions read a local copy (re-read from Redis in the background once older than
 * `syncMs`), outcomes are applied locally at once and sent to Redis without waiting. Redis is
 * only awaited when an open breaker's cooldown is over, so that one instance, not all, probes.
 * When Redis is unreachable everything keeps working on the local copy: an outage degrades
 * sharing, never requests.
 */
export class RedisBreakerStore implements BreakerStore {
  readonly kind = 'redis' as const;
  private readonly local = new MemoryBreakerStore();
  private readonly syncedAt = new Map<string, number>();
  private readonly pending = new Set<Promise<unknown>>();
  private readonly prefix: string;
  private readonly syncMs: number;
  private reportedOutage = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisBreakerOptions = {},
  ) {
    this.prefix = options.prefix ?? 'sluice:breaker:';
    this.syncMs = options.syncMs ?? 1_000;
    redis.defineCommand('sluiceBreaker', { numberOfKeys: 1, lua: breakerScript });
    redis.on('error', (error: Error) => this.reportOutage(error));
    redis.on('ready', () => {
      if (this.reportedOutage) options.logger?.info('circuit breakers: Redis is back, breaker state is shared again');
      this.reportedOutage = false;
    });
  }

  /** Whether commands can go out now; while not, the local copy decides alone. */
  private get connected(): boolean {
    return this.redis.status === 'ready';
  }

  private reportOutage(error: unknown): void {
    if (this.reportedOutage) return;
    this.reportedOutage = true;
    this.options.logger?.warn({ err: error }, 'circuit breakers: Redis unreachable, using this instance\'s breaker state');
  }

  private track<T>(work: Promise<T>): void {
    const settled = work.then(
      () => undefined,
      (error: unknown) => this.reportOutage(error),
    );
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }

  private run(op: 'acquire' | BreakerOutcome, target: string, settings: BreakerSettings, now: number): Promise<ScriptReply> {
    // Shared records outlive the window and a cooldown or two, then vanish with the traffic.
    const ttlMs = 2 * settings.windowMs + 2 * settings.cooldownMs;
    return (this.redis as unknown as BreakerCommands).sluiceBreaker(
      this.prefix + target,
      op,
      Math.round(now),
      settings.failures,
      settings.errorRate,
      settings.windowMs,
      settings.minRequests,
      settings.cooldownMs,
      ttlMs,
    );
  }

  private adopt(target: string, encoded: string): void {
    this.local.set(target, encoded ? (JSON.parse(encoded) as BreakerRecord) : undefined);
  }

  private refreshIfStale(target: string, now: number): void {
    if (!this.connected || now - (this.syncedAt.get(target) ?? -Infinity) < this.syncMs) return;
    this.syncedAt.set(target, now);
    this.track(this.redis.get(this.prefix + target).then((encoded) => this.adopt(target, encoded ?? '')));
  }

  async acquire(target: string, settings: BreakerSettings, now: number): Promise<BreakerDecision> {
    this.refreshIfStale(target, now);
    const record = this.local.get(target);
    if (!record || record.state === 'closed') return 'allow';
    if (now < record.until) return 'reject';
    if (!this.connected) return this.local.decide(target, settings, now);
    try {
      const [decision, encoded] = await this.run('acquire', target, settings, now);
      this.adopt(target, encoded);
      return decision as BreakerDecision;
    } catch (error) {
      this.reportOutage(error);
      return this.local.decide(target, settings, now);
    }
  }

  record(target: string, outcome: BreakerOutcome, settings: BreakerSettings, now: number): void {
    this.local.record(target, outcome, settings, now);
    if (!this.connected) return;
    this.track(this.run(outcome, target, settings, now).then(([, encoded]) => this.adopt(target, encoded)));
  }

  async snapshot(target: string, now: number, windowMs: number): Promise<BreakerSnapshot> {
    if (this.connected) {
      try {
        const encoded = await this.redis.get(this.prefix + target);
        this.adopt(target, encoded ?? '');
      } catch (error) {
        this.reportOutage(error);
      }
    }
    return snapshotOf(target, this.local.get(target), now, windowMs);
  }

  peek(target: string): BreakerRecord | undefined {
    return this.local.get(target);
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.flush();
    this.redis.disconnect();
  }
}

/**
 * A client that fails fast instead of queueing while disconnected (the local copy takes over)
 * and keeps reconnecting in the background.
 */
export function createRedisBreakerStore(url: string, options: RedisBreakerOptions = {}): RedisBreakerStore {
  const redis = new (loadIoredis().Redis)(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // A slow Redis must not hold a probe decision or the health report: fail over to local state.
    commandTimeout: 500,
    retryStrategy: (times) => Math.min(200 * times, 5_000),
  });
  return new RedisBreakerStore(redis, options);
}
