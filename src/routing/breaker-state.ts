import { breakerSchema, type BreakerConfig } from '../config/config-schema.js';

/**
 * The circuit-breaker state machine, as pure functions over a plain record so the memory store
 * runs it directly and the Redis store runs the same steps atomically in Lua
 * (redis-breaker-script.ts; the shared contract test keeps the two in step).
 *
 *   closed ──(N consecutive failures, or error rate over the window)──▶ open
 *   open ──(cooldown elapsed: one caller gets a probe lease)──▶ half_open
 *   half_open ──(probe succeeds)──▶ closed;  ──(probe fails)──▶ open
 */
export type BreakerState = 'closed' | 'open' | 'half_open';
export type BreakerDecision = 'allow' | 'probe' | 'reject';
export type BreakerOutcome = 'success' | 'failure';

export interface BreakerSettings {
  failures: number;
  /** 0 turns the error-rate rule off. */
  errorRate: number;
  windowMs: number;
  minRequests: number;
  cooldownMs: number;
}

export interface BreakerRecord {
  state: BreakerState;
  consecutiveFailures: number;
  /** Start of the current fixed window; the previous window's counts are kept for a sliding estimate. */
  windowStart: number;
  windowTotal: number;
  windowFailures: number;
  previousTotal: number;
  previousFailures: number;
  /** open: when a probe may go; half_open: when the probe's lease runs out. */
  until: number;
}

/** Parsed once: routes without a `breaker:` block are planned on every request. */
const defaultBreaker = breakerSchema.parse({});
const settingsOf = new WeakMap<BreakerConfig, BreakerSettings>();

export function breakerSettingsFrom(config: BreakerConfig | undefined): BreakerSettings {
  const breaker = config ?? defaultBreaker;
  const known = settingsOf.get(breaker);
  if (known) return known;
  const settings: BreakerSettings = {
    failures: breaker.failures,
    errorRate: breaker.error_rate,
    windowMs: breaker.window_ms,
    minRequests: breaker.min_requests,
    cooldownMs: breaker.cooldown_ms,
  };
  settingsOf.set(breaker, settings);
  return settings;
}

export function newBreakerRecord(): BreakerRecord {
  return { state: 'closed', consecutiveFailures: 0, windowStart: 0, windowTotal: 0, windowFailures: 0, previousTotal: 0, previousFailures: 0, until: 0 };
}

/** Moves the fixed window forward to `now`, keeping the window just before it. */
function rollWindow(record: BreakerRecord, now: number, windowMs: number): void {
  const start = Math.floor(now / windowMs) * windowMs;
  if (record.windowStart === start) return;
  const adjacent = record.windowStart === start - windowMs;
  record.previousTotal = adjacent ? record.windowTotal : 0;
  record.previousFailures = adjacent ? record.windowFailures : 0;
  record.windowTotal = 0;
  record.windowFailures = 0;
  record.windowStart = start;
}

/**
 * Requests and failures over the last `windowMs`: the current window plus the previous one
 * weighted by how much of it still overlaps (the sliding-window estimate rate limiters use).
 */
export function windowCounts(record: BreakerRecord, now: number, windowMs: number): { total: number; failures: number } {
  const probe = { ...record };
  rollWindow(probe, now, windowMs);
  const weight = 1 - (now - probe.windowStart) / windowMs;
  return {
    total: probe.previousTotal * weight + probe.windowTotal,
    failures: probe.previousFailures * weight + probe.windowFailures,
  };
}

/** May a request go to this target now? Mutates `record` when a probe lease is taken. */
export function acquire(record: BreakerRecord, now: number, settings: BreakerSettings): BreakerDecision {
  if (record.state === 'closed') return 'allow';
  if (now < record.until) return 'reject';
  // Cooldown over (open) or the last probe's lease ran out (half_open): this caller probes.
  record.state = 'half_open';
  record.until = now + settings.cooldownMs;
  return 'probe';
}

/** Applies the outcome of a request that was let through. Mutates `record`. */
export function recordOutcome(record: BreakerRecord, outcome: BreakerOutcome, now: number, settings: BreakerSettings): void {
  rollWindow(record, now, settings.windowMs);
  if (outcome === 'success') {
    if (record.state === 'half_open') {
      // The probe went through: the target starts over, old failures must not re-open it.
      Object.assign(record, newBreakerRecord(), { windowStart: record.windowStart });
    }
    // While open, a straggler that started before the trip proves little: only a probe closes.
    record.consecutiveFailures = 0;
    record.windowTotal += 1;
    return;
  }
  record.consecutiveFailures += 1;
  record.windowTotal += 1;
  record.windowFailures += 1;
  if (record.state !== 'closed') {
    // A failed probe (or a failure seen while open) restarts the cooldown.
    record.state = 'open';
    record.until = now + settings.cooldownMs;
    return;
  }
  const { total, failures } = windowCounts(record, now, settings.windowMs);
  const rateTripped = settings.errorRate > 0 && total >= settings.minRequests && failures / total >= settings.errorRate;
  if (record.consecutiveFailures >= settings.failures || rateTripped) {
    record.state = 'open';
    record.until = now + settings.cooldownMs;
  }
}
