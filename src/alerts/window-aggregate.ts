/** Buckets per window: the window slides in steps of 1/20 of its length. */
export const bucketsPerWindow = 20;

/**
 * Latencies are counted in logarithmic bins (each 10% wider than the one before, from 1 ms to
 * about 10 minutes), so a percentile costs a fixed number of counters however many requests
 * there were, and is reported to within ±5%.
 */
const binGrowth = 1.1;
const logGrowth = Math.log(binGrowth);
export const latencyBinCount = 142;

export function latencyBinOf(latencyMs: number): number {
  if (!(latencyMs > 1)) return 0;
  return Math.min(latencyBinCount - 1, 1 + Math.floor(Math.log(latencyMs) / logGrowth));
}

/** A representative value of a bin: the geometric middle of its bounds (0.5 ms for the first). */
export function latencyOfBin(bin: number): number {
  if (bin === 0) return 0.5;
  return Math.pow(binGrowth, bin - 0.5);
}

export interface WindowReading {
  requests: number;
  errors: number;
  /** The 95th percentile latency (ms) of the requests that had one; null when none did. */
  p95Ms: number | null;
}

/**
 * Request counts (and, when asked, a latency histogram) over a sliding window, kept in a ring
 * of fixed buckets: `add` is O(1) and allocates nothing, which is what lets it run on every
 * request. A bucket left behind by the ring is cleared when it is reused, not by a timer.
 */
export class WindowAggregate {
  private readonly bucketMs: number;
  /** Which bucket number (time / bucketMs) each slot holds now; -1 = never used. */
  private readonly epochs = new Float64Array(bucketsPerWindow).fill(-1);
  private readonly requests = new Uint32Array(bucketsPerWindow);
  private readonly errors = new Uint32Array(bucketsPerWindow);
  private readonly latencies: Uint32Array | undefined;

  constructor(windowMs: number, withLatency: boolean) {
    this.bucketMs = Math.max(1, Math.ceil(windowMs / bucketsPerWindow));
    this.latencies = withLatency ? new Uint32Array(bucketsPerWindow * latencyBinCount) : undefined;
  }

  add(nowMs: number, error: boolean, latencyMs?: number | null): void {
    const bucket = Math.floor(nowMs / this.bucketMs);
    const slot = bucket % bucketsPerWindow;
    if (this.epochs[slot] !== bucket) {
      // A bucket older than now (a clock stepping back) is counted in the current one.
      if (this.epochs[slot] > bucket) return this.addToSlot(slot, error, latencyMs);
      this.epochs[slot] = bucket;
      this.requests[slot] = 0;
      this.errors[slot] = 0;
      this.latencies?.fill(0, slot * latencyBinCount, (slot + 1) * latencyBinCount);
    }
    this.addToSlot(slot, error, latencyMs);
  }

  private addToSlot(slot: number, error: boolean, latencyMs: number | null | undefined): void {
    this.requests[slot] += 1;
    if (error) this.errors[slot] += 1;
    if (this.latencies && latencyMs !== undefined && latencyMs !== null) this.latencies[slot * latencyBinCount + latencyBinOf(latencyMs)] += 1;
  }

  /** The window ending now: the current bucket and the 19 before it. */
  read(nowMs: number): WindowReading {
    const current = Math.floor(nowMs / this.bucketMs);
    const oldest = current - bucketsPerWindow + 1;
    let requests = 0;
    let errors = 0;
    const live: number[] = [];
    for (let slot = 0; slot < bucketsPerWindow; slot += 1) {
      const epoch = this.epochs[slot];
      if (epoch < oldest || epoch > current) continue;
      live.push(slot);
      requests += this.requests[slot];
      errors += this.errors[slot];
    }
    return { requests, errors, p95Ms: this.latencies ? this.percentile(live, 0.95) : null };
  }

  /** Whether nothing was counted in the window ending now (the subject may be forgotten). */
  isEmpty(nowMs: number): boolean {
    return this.read(nowMs).requests === 0;
  }

  private percentile(slots: number[], fraction: number): number | null {
    const latencies = this.latencies!;
    let total = 0;
    for (const slot of slots) for (let bin = 0; bin < latencyBinCount; bin += 1) total += latencies[slot * latencyBinCount + bin];
    if (total === 0) return null;
    // The smallest latency at or below which `fraction` of the requests fall.
    const rank = Math.ceil(total * fraction);
    let seen = 0;
    for (let bin = 0; bin < latencyBinCount; bin += 1) {
      for (const slot of slots) seen += latencies[slot * latencyBinCount + bin];
      if (seen >= rank) return Math.round(latencyOfBin(bin) * 100) / 100;
    }
    return null;
  }
}
