import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadIoredis } from '../server/load-optional-module.js';
import { acquireLeaseScript, observeScript, pulseScript, releaseLeaseScript } from './redis-alert-scripts.js';
import type { SubjectStates, SubjectTransition } from './subject-states.js';
import { bucketsPerWindow, type BucketCounts } from './window-aggregate.js';
import { maxSubjectsPerRule, type UnsharedSubject } from './window-rule.js';

interface ScriptCommands {
  sluiceAlertLease(leaseKey: string, fenceKey: string, holder: string, ttlMs: number): Promise<string | null>;
  sluiceAlertRelease(leaseKey: string, token: string): Promise<number>;
  sluiceAlertObserve(stateKey: string, leaseKey: string, holds: number, nowMs: number, cooldownMs: number, lease: string, keepMs: number): Promise<[number, number]>;
  sluiceAlertPulse(pulseKey: string, nowMs: number, cooldownMs: number): Promise<number>;
}

/** A window rule's evaluation passed to another instance while this one was deciding. */
export class LeaseLostError extends Error {
  constructor(rule: string) {
    super(`the evaluation lease of alert rule "${rule}" is held by another instance`);
    this.name = 'LeaseLostError';
  }
}

/** A subject still owed a resolve keeps its shared state this long without being looked at. */
const keepOwedStateMs = 7 * 24 * 3_600_000;

export interface RedisAlertCoordinatorOptions {
  url: string;
  prefix: string;
  /** Names this instance in lease tokens (made unique per process, since instance_id may repeat). */
  instance: string;
  cooldownOf: (rule: string) => number;
  /** A command not answered in this time fails (and the caller falls back to deciding alone). */
  commandTimeoutMs?: number;
}

/**
 * What the instances of one deployment share through Redis so that an alert notifies once:
 * a lease per window rule (only its holder evaluates), every instance's window counts (so the
 * holder decides on the whole cluster's traffic), and the firing/cooldown state of every rule
 * and subject, changed by atomic scripts (so two instances seeing one event notify once).
 */
export class RedisAlertCoordinator implements SubjectStates {
  readonly client: Redis;
  private readonly commands: ScriptCommands;
  private readonly prefix: string;
  private readonly holder: string;
  /** Leases this instance holds: rule → token. */
  private readonly leases = new Map<string, string>();

  constructor(private readonly options: RedisAlertCoordinatorOptions) {
    const timeout = options.commandTimeoutMs ?? 1_000;
    this.client = new (loadIoredis().Redis)(options.url, {
      // A command while Redis is down fails at once: alerts then decide alone rather than wait.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeout,
      connectTimeout: Math.max(1_000, timeout),
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    // The service reports failed commands; without a listener ioredis would print each error.
    this.client.on('error', () => undefined);
    this.client.defineCommand('sluiceAlertLease', { numberOfKeys: 2, lua: acquireLeaseScript });
    this.client.defineCommand('sluiceAlertRelease', { numberOfKeys: 1, lua: releaseLeaseScript });
    this.client.defineCommand('sluiceAlertObserve', { numberOfKeys: 2, lua: observeScript });
    this.client.defineCommand('sluiceAlertPulse', { numberOfKeys: 1, lua: pulseScript });
    this.commands = this.client as unknown as ScriptCommands;
    this.prefix = options.prefix;
    this.holder = `${options.instance}/${randomUUID().slice(0, 8)}`;
  }

  /** Resolves once connected, or after `timeoutMs` (alerts start either way). */
  async ready(timeoutMs: number): Promise<boolean> {
    if (this.client.status === 'ready') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ready: boolean) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(ready);
      };
      const onReady = () => finish(true);
      this.client.once('ready', onReady);
    });
  }

  private leaseKey(rule: string): string {
    return `${this.prefix}lease:${rule}`;
  }

  /** Takes or extends the lease on `rule`'s evaluation; the token when this instance holds it. */
  async acquireLease(rule: string, ttlMs: number): Promise<string | undefined> {
    const token = await this.commands.sluiceAlertLease(this.leaseKey(rule), `${this.prefix}fence:${rule}`, this.holder, Math.max(1, Math.round(ttlMs)));
    if (token) this.leases.set(rule, token);
    else this.leases.delete(rule);
    return token ?? undefined;
  }

  /** Gives back every lease held, so another instance takes over at its next evaluation rather than after expiry. */
  async releaseLeases(): Promise<void> {
    const held = [...this.leases];
    this.leases.clear();
    await Promise.all(held.map(([rule, token]) => this.commands.sluiceAlertRelease(this.leaseKey(rule), token).catch(() => 0)));
  }

  async observe(rule: string, subject: string, holds: boolean, nowMs: number, lease?: string): Promise<SubjectTransition> {
    const [code, first] = await this.commands.sluiceAlertObserve(
      `${this.prefix}state:${rule}:${subject}`,
      this.leaseKey(rule),
      holds ? 1 : 0,
      Math.round(nowMs),
      this.options.cooldownOf(rule),
      lease ?? '',
      keepOwedStateMs,
    );
    if (code === -1) throw new LeaseLostError(rule);
    return { decision: code === 1 ? 'fire' : code === 2 ? 'resolve' : undefined, firedAtMs: Number(first) };
  }

  async pulse(rule: string, subject: string, nowMs: number): Promise<boolean> {
    return (await this.commands.sluiceAlertPulse(`${this.prefix}pulse:${rule}:${subject}`, Math.round(nowMs), this.options.cooldownOf(rule))) === 1;
  }

  sweep(): void {
    // Shared states expire by themselves (the scripts set their TTLs).
  }

  private windowKey(rule: string, bucketMs: number, epoch: number): string {
    return `${this.prefix}window:${rule}:${bucketMs}:${epoch}`;
  }

  /**
   * Writes this instance's counts of the given buckets: one hash per rule and bucket, one field
   * per instance and subject holding whole counts, so a repeated write changes nothing and
   * instances never overwrite one another. A bucket's hash lives as long as a window.
   */
  async shareWindows(rule: string, bucketMs: number, subjects: readonly UnsharedSubject[]): Promise<void> {
    if (subjects.length === 0) return;
    const pipeline = this.client.multi();
    const keys = new Set<string>();
    for (const { subject, buckets } of subjects) {
      for (const bucket of buckets) {
        const key = this.windowKey(rule, bucketMs, bucket.epoch);
        keys.add(key);
        pipeline.hset(key, JSON.stringify([this.holder, subject]), JSON.stringify([bucket.requests, bucket.errors, bucket.latencyBins]));
      }
    }
    for (const key of keys) pipeline.pexpire(key, bucketMs * (bucketsPerWindow + 2));
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  /** Every instance's counts of the window ending now, by subject (at most maxSubjectsPerRule subjects). */
  async readWindows(rule: string, bucketMs: number, nowMs: number): Promise<Map<string, BucketCounts[]>> {
    const current = Math.floor(nowMs / bucketMs);
    const pipeline = this.client.pipeline();
    for (let epoch = current - bucketsPerWindow + 1; epoch <= current; epoch += 1) pipeline.hgetall(this.windowKey(rule, bucketMs, epoch));
    const results = (await pipeline.exec()) ?? [];
    const subjects = new Map<string, BucketCounts[]>();
    results.forEach(([error, fields], index) => {
      if (error) throw error;
      const epoch = current - bucketsPerWindow + 1 + index;
      for (const [field, value] of Object.entries(fields as Record<string, string>)) {
        const bucket = parseBucket(field, value, epoch);
        if (!bucket) continue;
        let buckets = subjects.get(bucket.subject);
        if (!buckets) {
          if (subjects.size >= maxSubjectsPerRule) continue;
          buckets = [];
          subjects.set(bucket.subject, buckets);
        }
        buckets.push(bucket.counts);
      }
    });
    return subjects;
  }

  async close(): Promise<void> {
    await this.releaseLeases();
    this.client.disconnect();
  }
}

/** One instance's counts of a bucket; undefined for a field this version did not write. */
function parseBucket(field: string, value: string, epoch: number): { subject: string; counts: BucketCounts } | undefined {
  try {
    const [, subject] = JSON.parse(field) as [string, string];
    const [requests, errors, latencyBins] = JSON.parse(value) as [number, number, Array<[number, number]>];
    if (typeof subject !== 'string' || !Number.isFinite(requests) || !Number.isFinite(errors) || !Array.isArray(latencyBins)) return undefined;
    return { subject, counts: { epoch, requests, errors, latencyBins } };
  } catch {
    return undefined;
  }
}
