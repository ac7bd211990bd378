import { retrySchema, type RetryConfig } from '../config/config-schema.js';

export type Backoff = RetryConfig['backoff'];

/** How one target is retried: the route's `retry` block with the request's overrides applied. */
export interface RetryPolicy {
  attempts: number;
  backoff: Backoff;
  baseMs: number;
  maxMs: number;
  jitter: number;
  maxRetryAfterMs: number;
  /** Upstream statuses, `timeout` and `connection` that are worth another attempt. */
  on: ReadonlySet<number | 'timeout' | 'connection'>;
}

/** What a request may change through `x-sluice-max-attempts`, `-retry-delay` and `-backoff`. */
export interface RetryOverrides {
  attempts?: number;
  baseMs?: number;
  backoff?: Backoff;
}

/** A route without a `retry` block, and a `provider/model` called directly: one attempt. */
const defaults = retrySchema.parse({});

/** Policies of routes without overrides, built once: planning runs on every request. */
const unchanged = new WeakMap<RetryConfig, RetryPolicy>();

export function retryPolicyFor(config: RetryConfig | undefined, overrides: RetryOverrides = {}): RetryPolicy {
  const retry = config ?? defaults;
  const plain = overrides.attempts === undefined && overrides.baseMs === undefined && overrides.backoff === undefined;
  const known = plain ? unchanged.get(retry) : undefined;
  if (known) return known;
  const policy: RetryPolicy = {
    attempts: overrides.attempts ?? retry.attempts,
    backoff: overrides.backoff ?? retry.backoff,
    baseMs: overrides.baseMs ?? retry.base_ms,
    maxMs: retry.max_ms,
    jitter: retry.jitter,
    maxRetryAfterMs: retry.max_retry_after_ms,
    on: new Set(retry.on),
  };
  if (plain) unchanged.set(retry, policy);
  return policy;
}

/**
 * The wait before retry number `retry` (1 = the wait after the first failed attempt):
 * constant base, base × retry, or base × 2^(retry-1), spread by ± jitter and capped at maxMs.
 * `random` is in [0, 1).
 */
export function backoffDelayMs(policy: RetryPolicy, retry: number, random: () => number): number {
  const growth = policy.backoff === 'constant' ? 1 : policy.backoff === 'linear' ? retry : 2 ** (retry - 1);
  const nominal = policy.baseMs * growth;
  const spread = nominal * (1 + policy.jitter * (2 * random() - 1));
  return Math.max(0, Math.min(policy.maxMs, spread));
}

/**
 * `retry-after` in milliseconds: delta-seconds ("2", "1.5") or an HTTP date. Undefined when
 * absent or unreadable, so a garbled header falls back to the normal backoff.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
