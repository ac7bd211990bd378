/**
 * Request and token limits use a sliding window approximated from two fixed buckets (the
 * "sliding window counter"): the count of the current fixed window plus the previous window's
 * count weighted by how much of it still overlaps the sliding window.
 *
 * Why this and not a sliding log: a log keeps one entry per request (an rpd of 1M is 1M
 * entries per key, and token limits would need weighted entries), while this keeps two
 * integers per limit, so a check is O(1) in memory and in one Redis hash, inside one Lua call.
 * It is exact while the previous window is empty (so "rpm=50 → exactly 50" holds from a cold
 * start) and when traffic in the previous window was evenly spread; it errs only when that
 * window's traffic was bunched at one end, and never by more than a fixed window would.
 *
 * The Redis Lua script (redis-limit-scripts.ts) evaluates the same formula; keep them in step.
 */
export interface WindowCounts {
  /** Count of the previous fixed window. */
  previous: number;
  /** Count of the current fixed window. */
  current: number;
}

export function windowIndex(nowMs: number, windowMs: number): number {
  return Math.floor(nowMs / windowMs);
}

/** Time already elapsed in the current fixed window. */
export function elapsedInWindow(nowMs: number, windowMs: number): number {
  return nowMs - windowIndex(nowMs, windowMs) * windowMs;
}

/** The sliding-window estimate of what was used in the last `windowMs`. */
export function slidingUsage(counts: WindowCounts, windowMs: number, elapsedMs: number): number {
  return counts.previous * (1 - elapsedMs / windowMs) + counts.current;
}

/**
 * Whether `cost` more fits under `limit`. Token limits also refuse once the window is spent,
 * even for a request whose estimate is 0 (native requests, whose tokens are not estimated).
 */
export function fits(used: number, cost: number, limit: number, refuseWhenSpent: boolean): boolean {
  if (refuseWhenSpent && used >= limit) return false;
  return used + cost <= limit;
}

/**
 * Milliseconds until `cost` more fits, assuming no other traffic meanwhile (for retry-after).
 * Infinity when it never can (the cost alone exceeds the limit).
 */
export function waitUntilFits(counts: WindowCounts, cost: number, limit: number, windowMs: number, elapsedMs: number): number {
  if (cost > limit) return Infinity;
  const room = limit - cost - counts.current;
  if (room >= 0) {
    if (counts.previous <= room) return 0;
    // previous * (1 - x / W) <= room, for x the time into the current window.
    const x = windowMs * (1 - room / counts.previous);
    return Math.max(0, x - elapsedMs);
  }
  // Not before the current bucket becomes the previous one: then current * (1 - y / W) <= limit - cost.
  const y = windowMs * (1 - (limit - cost) / counts.current);
  return windowMs - elapsedMs + y;
}

/** Milliseconds until the estimate decays to zero without new traffic (OpenAI's "reset"). */
export function fullResetMs(counts: WindowCounts, windowMs: number, elapsedMs: number): number {
  if (counts.current > 0) return 2 * windowMs - elapsedMs;
  if (counts.previous > 0) return windowMs - elapsedMs;
  return 0;
}
