const failurePenaltyMs = 1_000;

/**
 * Recent latency per target as an exponentially weighted moving average, for the latency
 * strategy. Per instance on purpose: latency is what this instance sees from where it runs.
 */
export class LatencyTracker {
  private readonly averages = new Map<string, number>();

  /** `smoothing` is the weight of a new sample (0.3: the last ~5 samples dominate). */
  record(target: string, ms: number, smoothing: number): void {
    const previous = this.averages.get(target);
    this.averages.set(target, previous === undefined ? ms : previous + smoothing * (ms - previous));
  }

  /**
   * A failure counts as a slow sample (at least a second, and twice the current average), so
   * a target that fails fast does not look fast; its breaker takes it out if it keeps failing.
   */
  penalize(target: string, observedMs: number, smoothing: number): void {
    const previous = this.averages.get(target) ?? 0;
    this.record(target, Math.max(observedMs, 2 * previous, failurePenaltyMs), smoothing);
  }

  get(target: string): number | undefined {
    return this.averages.get(target);
  }
}
