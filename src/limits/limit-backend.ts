import type { WindowCounts } from './sliding-window.js';

/** A request or token limit over a sliding window, stored under `key`. */
export interface WindowCheck {
  key: string;
  windowMs: number;
  limit: number;
  /** What this request adds: 1 for requests, the token estimate for tokens (an integer). */
  cost: number;
  /** Token limits refuse once spent, even a request whose estimate is 0. */
  refuseWhenSpent: boolean;
}

/** Requests in flight at once, counted by leases under `key`. */
export interface ConcurrencyCheck {
  key: string;
  limit: number;
}

/** A hard budget stop: refused once the spend counter under `key` reached `limit` USD. */
export interface BudgetCheck {
  key: string;
  limit: number;
}

export interface AcquireRequest {
  windows: WindowCheck[];
  concurrency: ConcurrencyCheck[];
  budgets: BudgetCheck[];
  /** Identifies this request's in-flight leases, to release them at settle. */
  leaseId: string;
}

export interface AcquireResult {
  /** True when every check passed; then and only then every counter was incremented. */
  allowed: boolean;
  /** The backend's clock (Redis TIME for the shared backend, so every instance agrees on windows). */
  nowMs: number;
  /** Per window check: counts after this request was added when allowed, before otherwise. */
  windows: WindowCounts[];
  /** Per concurrency check: requests in flight, this one included when allowed. */
  inFlight: number[];
  /** Per budget check: the spend so far in its period, USD. */
  spend: number[];
}

export interface SettleRequest {
  leaseId: string;
  /** Token reconciliation: `delta` = real tokens − the estimate counted at acquire time. */
  corrections: Array<{ key: string; windowMs: number; acquiredAtMs: number; delta: number }>;
  /** Concurrency keys whose lease for `leaseId` is released. */
  releases: string[];
  /** Spend counters to increase; each expires after its period (plus a margin). */
  spend: Array<{ key: string; amountUsd: number; expireAtMs: number }>;
}

export interface SettleResult {
  /** Per spend entry: the counter after the increase. */
  spendAfter: number[];
}

/**
 * Where limit counters live (DESIGN.md §2.5): in this process (memory) or shared by every
 * instance (Redis). `acquire` checks every rule and, only if all pass, counts the request in
 * all of them, atomically: two instances can never both take the last slot.
 */
export interface LimitBackend {
  readonly kind: 'memory' | 'redis';
  acquire(request: AcquireRequest): Promise<AcquireResult>;
  settle(request: SettleRequest): Promise<SettleResult>;
  /** Current values of spend counters (0 when absent). */
  readSpend(keys: string[]): Promise<number[]>;
  close(): Promise<void>;
}
