/** Buckets per window: the window slides in steps of 1/20 of its length. */
export const bucketsPerWindow = 20;

/** The length of one bucket of a window of `windowMs`. */
export function bucketLengthOf(windowMs: number): number {
  return Math.max(1, Math.ceil(windowMs / bucketsPerWindow));
}

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

/** One bucket's counts, as instances share them (latency bins sparse: [bin, count] pairs). */
export interface BucketCounts {
  /** The bucket number: time / bucket length. */
  epoch: number;
  requests: number;
  errors: number;
  latencyBins: Array<[number, number]>;
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
  readonly bucketMs: number;
  /** Which bucket number (time / bucketMs) each slot holds now; -1 = never used. */
  private readonly epochs = new Float64Array(bucketsPerWindow).fill(-1);
  private readonly requests = new Uint32Array(bucketsPerWindow);
  private readonly errors = new Uint32Array(bucketsPerWindow);
  private readonly latencies: Uint32Array | undefined;
  /** Requests of each slot when it was last shared, and the bucket it then held (shared mode). */
  private readonly sharedRequests = new Uint32Array(bucketsPerWindow);
  private readonly sharedEpochs = new Float64Array(bucketsPerWindow).fill(-1);

  constructor(windowMs: number, withLatency: boolean) {
    this.bucketMs = bucketLengthOf(windowMs);
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

  /**
   * The buckets of the window ending now that counted requests since the last `markShared`:
   * whole counts, not increments, so writing them twice (a retry) changes nothing.
   */
  unsharedBuckets(nowMs: number): BucketCounts[] {
    const current = Math.floor(nowMs / this.bucketMs);
    const buckets: BucketCounts[] = [];
    for (let slot = 0; slot < bucketsPerWindow; slot += 1) {
      const epoch = this.epochs[slot];
      if (epoch < current - bucketsPerWindow + 1 || epoch > current) continue;
      if (this.sharedEpochs[slot] === epoch && this.sharedRequests[slot] === this.requests[slot]) continue;
      const latencyBins: Array<[number, number]> = [];
      if (this.latencies) {
        for (let bin = 0; bin < latencyBinCount; bin += 1) {
          const count = this.latencies[slot * latencyBinCount + bin];
          if (count > 0) latencyBins.push([bin, count]);
        }
      }
      buckets.push({ epoch, requests: this.requests[slot], errors: this.errors[slot], latencyBins });
    }
    return buckets;
  }

  /** Records that `buckets` (from unsharedBuckets) reached the shared store. */
  markShared(buckets: readonly BucketCounts[]): void {
    for (const bucket of buckets) {
      const slot = bucket.epoch % bucketsPerWindow;
      this.sharedEpochs[slot] = bucket.epoch;
      this.sharedRequests[slot] = bucket.requests;
    }
  }

  /** Whether nothing was counted in the window ending now (the subject may be forgotten). */
  isEmpty(nowMs: number): boolean {
    return this.read(nowMs).requests === 0;
  }

  private percentile(slots: number[], fraction: number): number | null {
    const latencies = this.latencies!;
    const bins = new Float64Array(latencyBinCount);
    for (const slot of slots) for (let bin = 0; bin < latencyBinCount; bin += 1) bins[bin] += latencies[slot * latencyBinCount + bin];
    return percentileOfBins(bins, fraction);
  }
}

/** The smallest latency at or below which `fraction` of the binned requests fall; null when none. */
function percentileOfBins(bins: ArrayLike<number>, fraction: number): number | null {
  let total = 0;
  for (let bin = 0; bin < latencyBinCount; bin += 1) total += bins[bin];
  if (total === 0) return null;
  const rank = Math.ceil(total * fraction);
  let seen = 0;
  for (let bin = 0; bin < latencyBinCount; bin += 1) {
    seen += bins[bin];
    if (seen >= rank) return Math.round(latencyOfBin(bin) * 100) / 100;
  }
  return null;
}

/** The reading of buckets counted by several instances (the shared window of a subject). */
export function readingOfBuckets(buckets: Iterable<BucketCounts>, withLatency: boolean): WindowReading {
  let requests = 0;
  let errors = 0;
  const bins = new Float64Array(latencyBinCount);
  for (const bucket of buckets) {
    requests += bucket.requests;
    errors += bucket.errors;
    for (const [bin, count] of bucket.latencyBins) if (bin >= 0 && bin < latencyBinCount) bins[bin] += count;
  }
  return { requests, errors, p95Ms: withLatency ? percentileOfBins(bins, 0.95) : null };
}
