import {
  acquire,
  newBreakerRecord,
  recordOutcome,
  windowCounts,
  type BreakerDecision,
  type BreakerOutcome,
  type BreakerRecord,
  type BreakerSettings,
  type BreakerState,
} from './breaker-state.js';

/** A breaker as the health endpoint shows it. */
export interface BreakerSnapshot {
  target: string;
  state: BreakerState;
  consecutiveFailures: number;
  /** Requests and failure share over the breaker's window (sliding estimate). */
  windowRequests: number;
  errorRate: number;
  /** Epoch ms: open → when a probe may go; half_open → when the probe's lease ends. */
  until: number | null;
}

/**
 * Where breaker state lives (DESIGN.md §2.5): in this process, or in Redis shared by every
 * instance. Keys are targets (`provider/model`). `record` never waits for I/O: the outcome is
 * applied locally at once and shared in the background.
 */
export interface BreakerStore {
  readonly kind: 'memory' | 'redis';
  acquire(target: string, settings: BreakerSettings, now: number): Promise<BreakerDecision>;
  record(target: string, outcome: BreakerOutcome, settings: BreakerSettings, now: number): void;
  snapshot(target: string, now: number, windowMs: number): Promise<BreakerSnapshot>;
  /** This instance's copy of a breaker, read synchronously (breaker-transitions.ts). */
  peek?(target: string): BreakerRecord | undefined;
  /** Resolves once writes in flight have landed (tests, shutdown). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function snapshotOf(target: string, record: BreakerRecord | undefined, now: number, windowMs: number): BreakerSnapshot {
  const current = record ?? newBreakerRecord();
  const { total, failures } = windowCounts(current, now, windowMs);
  return {
    target,
    state: current.state,
    consecutiveFailures: current.consecutiveFailures,
    windowRequests: Math.round(total * 100) / 100,
    errorRate: total > 0 ? Math.round((failures / total) * 1000) / 1000 : 0,
    until: current.state === 'closed' ? null : current.until,
  };
}

/** Breakers of this process only. Keys are the targets of configured routes, so the map stays small. */
export class MemoryBreakerStore implements BreakerStore {
  readonly kind = 'memory' as const;
  private readonly records = new Map<string, BreakerRecord>();

  async acquire(target: string, settings: BreakerSettings, now: number): Promise<BreakerDecision> {
    return this.decide(target, settings, now);
  }

  /** The synchronous decision, for the Redis store's local fallback. */
  decide(target: string, settings: BreakerSettings, now: number): BreakerDecision {
    const record = this.records.get(target);
    return record ? acquire(record, now, settings) : 'allow';
  }

  record(target: string, outcome: BreakerOutcome, settings: BreakerSettings, now: number): void {
    let record = this.records.get(target);
    if (!record) {
      record = newBreakerRecord();
      this.records.set(target, record);
    }
    recordOutcome(record, outcome, now, settings);
  }

  get(target: string): BreakerRecord | undefined {
    return this.records.get(target);
  }

  peek(target: string): BreakerRecord | undefined {
    return this.records.get(target);
  }

  /** Replaces the local copy with the shared one (Redis store). */
  set(target: string, record: BreakerRecord | undefined): void {
    if (record) this.records.set(target, record);
    else this.records.delete(target);
  }

  async snapshot(target: string, now: number, windowMs: number): Promise<BreakerSnapshot> {
    return snapshotOf(target, this.records.get(target), now, windowMs);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
