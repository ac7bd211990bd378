import type { Redis } from 'ioredis';
import { loadIoredis } from '../server/load-optional-module.js';
import type { AcquireRequest, AcquireResult, LimitBackend, SettleRequest, SettleResult } from './limit-backend.js';
import { acquireScript, refreshScript, settleScript } from './redis-limit-scripts.js';

/** The scripts, as ioredis registers them with defineCommand (EVALSHA, EVAL after a NOSCRIPT). */
interface ScriptCommands {
  sluiceLimitAcquire(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<Array<number | string>>;
  sluiceLimitSettle(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<string[]>;
  sluiceLimitRefresh(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Promise<number>;
}

export interface RedisLimitBackendOptions {
  url: string;
  /** A command not answered within this time fails (then fail_open / fail_closed applies). */
  commandTimeoutMs: number;
  /** In-flight leases expire after this unless refreshed; bounds what a crashed instance holds. */
  leaseTtlMs?: number;
  /** Reported when the connection fails or comes back (for logs, counters and events). */
  onConnectionError?: (error: Error) => void;
}

/**
 * Limits shared by every gateway instance through one Redis. Commands fail at once while the
 * connection is down (no offline queue: a request must not wait for Redis to come back), and
 * ioredis keeps reconnecting in the background, so the backend recovers by itself.
 */
export class RedisLimitBackend implements LimitBackend {
  readonly kind = 'redis' as const;
  readonly client: Redis;
  private readonly commands: ScriptCommands;
  private readonly leaseTtlMs: number;
  /** This instance's live leases: lease id → concurrency keys, refreshed by the heartbeat. */
  private readonly leases = new Map<string, string[]>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(options: RedisLimitBackendOptions) {
    this.leaseTtlMs = options.leaseTtlMs ?? 60_000;
    this.client = new (loadIoredis().Redis)(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(1_000, options.commandTimeoutMs),
      // Keep trying, at most every 2 s: recovery needs no restart.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    // Without a listener ioredis prints every connection error; the service logs them instead.
    this.client.on('error', (error: Error) => options.onConnectionError?.(error));
    this.client.defineCommand('sluiceLimitAcquire', { lua: acquireScript });
    this.client.defineCommand('sluiceLimitSettle', { lua: settleScript });
    this.client.defineCommand('sluiceLimitRefresh', { lua: refreshScript, readOnly: false });
    this.commands = this.client as unknown as ScriptCommands;
    this.heartbeat = setInterval(() => void this.refreshLeases().catch(() => undefined), this.leaseTtlMs / 3);
    this.heartbeat.unref();
  }

  /** Resolves once connected, or after `timeoutMs` (the gateway starts either way). */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(value);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.client.once('ready', onReady);
    });
  }

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    const { windows, concurrency, budgets, leaseId } = request;
    const keys = [...windows.map((check) => check.key), ...concurrency.map((check) => check.key), ...budgets.map((check) => check.key)];
    const args: Array<string | number> = [windows.length, concurrency.length, budgets.length, leaseId, this.leaseTtlMs];
    for (const check of windows) args.push(check.windowMs, check.limit, check.cost, check.refuseWhenSpent ? 1 : 0);
    for (const check of concurrency) args.push(check.limit);
    for (const check of budgets) args.push(check.limit);
    const reply = await this.commands.sluiceLimitAcquire(keys.length, ...keys, ...args);
    const allowed = Number(reply[1]) === 1;
    let offset = 2;
    const counts = windows.map(() => {
      const counts = { previous: Number(reply[offset]), current: Number(reply[offset + 1]) };
      offset += 2;
      return counts;
    });
    const inFlight = concurrency.map(() => Number(reply[offset++]));
    const spend = budgets.map(() => Number(reply[offset++]));
    if (allowed && concurrency.length > 0) this.leases.set(leaseId, concurrency.map((check) => check.key));
    return { allowed, nowMs: Number(reply[0]), windows: counts, inFlight, spend };
  }

  async settle(request: SettleRequest): Promise<SettleResult> {
    const { corrections, releases, spend, leaseId } = request;
    // Released from the heartbeat first: if Redis is down now, the lease just expires there.
    this.leases.delete(leaseId);
    if (corrections.length === 0 && releases.length === 0 && spend.length === 0) return { spendAfter: [] };
    const keys = [...corrections.map((entry) => entry.key), ...releases, ...spend.map((entry) => entry.key)];
    const args: Array<string | number> = [corrections.length, releases.length, spend.length, leaseId];
    for (const entry of corrections) args.push(entry.windowMs, entry.acquiredAtMs, entry.delta);
    // A fixed-point string: INCRBYFLOAT rejects exponent notation such as 1e-7.
    for (const entry of spend) args.push(entry.amountUsd.toFixed(12), Math.ceil(entry.expireAtMs));
    const reply = await this.commands.sluiceLimitSettle(keys.length, ...keys, ...args);
    return { spendAfter: reply.map(Number) };
  }

  async readSpend(keys: string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const values = await this.client.mget(...keys);
    return values.map((value) => Number(value ?? 0));
  }

  private async refreshLeases(): Promise<void> {
    if (this.leases.size === 0 || this.client.status !== 'ready') return;
    const keys: string[] = [];
    const ids: string[] = [];
    for (const [leaseId, leaseKeys] of this.leases) {
      for (const key of leaseKeys) {
        keys.push(key);
        ids.push(leaseId);
      }
    }
    await this.commands.sluiceLimitRefresh(keys.length, ...keys, this.leaseTtlMs, ...ids);
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    // quit() waits for replies still due; disconnect() when the connection is not usable.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
