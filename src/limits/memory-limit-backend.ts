import type { AcquireRequest, AcquireResult, LimitBackend, SettleRequest, SettleResult } from './limit-backend.js';
import { elapsedInWindow, fits, slidingUsage, windowIndex } from './sliding-window.js';

interface WindowEntry {
  windowMs: number;
  index: number;
  previous: number;
  current: number;
}

interface SpendEntry {
  amount: number;
  expireAtMs: number;
}

/**
 * Limits for one gateway process. Every method does its work synchronously inside one call, so
 * concurrent requests in this process cannot interleave between the check and the increment.
 */
export class MemoryLimitBackend implements LimitBackend {
  readonly kind = 'memory' as const;
  private readonly windows = new Map<string, WindowEntry>();
  private readonly inFlight = new Map<string, number>();
  private readonly spend = new Map<string, SpendEntry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    // Counters of idle keys would otherwise stay forever: drop the ones that can no longer count.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** The entry rolled forward to the window containing `nowMs`. */
  private entry(key: string, windowMs: number, nowMs: number): WindowEntry {
    const index = windowIndex(nowMs, windowMs);
    let entry = this.windows.get(key);
    if (!entry) {
      entry = { windowMs, index, previous: 0, current: 0 };
      this.windows.set(key, entry);
    } else if (entry.index !== index) {
      entry.previous = entry.index === index - 1 ? entry.current : 0;
      entry.current = 0;
      entry.index = index;
    }
    return entry;
  }

  async acquire(request: AcquireRequest): Promise<AcquireResult> {
    const nowMs = this.now();
    let allowed = true;
    const entries = request.windows.map((check) => {
      const entry = this.entry(check.key, check.windowMs, nowMs);
      const used = slidingUsage(entry, check.windowMs, elapsedInWindow(nowMs, check.windowMs));
      if (!fits(used, check.cost, check.limit, check.refuseWhenSpent)) allowed = false;
      return entry;
    });
    const inFlight = request.concurrency.map((check) => {
      const count = this.inFlight.get(check.key) ?? 0;
      if (count >= check.limit) allowed = false;
      return count;
    });
    const spend = request.budgets.map((check) => {
      const amount = this.spendOf(check.key, nowMs);
      if (amount >= check.limit) allowed = false;
      return amount;
    });
    if (allowed) {
      request.windows.forEach((check, index) => (entries[index].current += check.cost));
      request.concurrency.forEach((check, index) => this.inFlight.set(check.key, (inFlight[index] += 1)));
    }
    return { allowed, nowMs, windows: entries.map(({ previous, current }) => ({ previous, current })), inFlight, spend };
  }

  async settle(request: SettleRequest): Promise<SettleResult> {
    const nowMs = this.now();
    for (const correction of request.corrections) {
      const entry = this.entry(correction.key, correction.windowMs, nowMs);
      const acquiredIndex = windowIndex(correction.acquiredAtMs, correction.windowMs);
      // The correction goes where the estimate went; if that bucket no longer counts, only
      // an underestimate still matters, and it is charged to now.
      if (acquiredIndex === entry.index) entry.current = Math.max(0, entry.current + correction.delta);
      else if (acquiredIndex === entry.index - 1) entry.previous = Math.max(0, entry.previous + correction.delta);
      else if (correction.delta > 0) entry.current += correction.delta;
    }
    for (const key of request.releases) {
      const count = (this.inFlight.get(key) ?? 0) - 1;
      if (count > 0) this.inFlight.set(key, count);
      else this.inFlight.delete(key);
    }
    const spendAfter = request.spend.map(({ key, amountUsd, expireAtMs }) => {
      const amount = this.spendOf(key, nowMs) + amountUsd;
      this.spend.set(key, { amount, expireAtMs });
      return amount;
    });
    return { spendAfter };
  }

  async readSpend(keys: string[]): Promise<number[]> {
    const nowMs = this.now();
    return keys.map((key) => this.spendOf(key, nowMs));
  }

  /** Adds spend recorded before this process started (from the store), so budgets survive restarts. */
  seedSpend(entries: ReadonlyMap<string, { amountUsd: number; expireAtMs: number }>): void {
    for (const [key, { amountUsd, expireAtMs }] of entries) {
      this.spend.set(key, { amount: (this.spend.get(key)?.amount ?? 0) + amountUsd, expireAtMs });
    }
  }

  private spendOf(key: string, nowMs: number): number {
    const entry = this.spend.get(key);
    return entry && entry.expireAtMs > nowMs ? entry.amount : 0;
  }

  private sweep(): void {
    const nowMs = this.now();
    for (const [key, entry] of this.windows) {
      if (entry.index < windowIndex(nowMs, entry.windowMs) - 1) this.windows.delete(key);
    }
    for (const [key, entry] of this.spend) if (entry.expireAtMs <= nowMs) this.spend.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
