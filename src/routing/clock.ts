import { performance } from 'node:perf_hooks';
import type { CancelSignal } from '../http/cancellation.js';

/**
 * Time as routing sees it: retries wait through `sleep`, breakers and latencies read `now`.
 * Injected so tests can run backoff schedules and breaker cooldowns without waiting for them.
 */
export interface Clock {
  /** Milliseconds since the epoch, with sub-millisecond precision (breaker state is shared across hosts). */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as it is aborted. */
  sleep(ms: number, signal: CancelSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  sleep(ms, signal) {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        signal.removeListener('abort', onAbort);
        resolve();
      }, ms);
      signal.once('abort', onAbort);
    });
  },
};

/** A clock that only moves when slept on or advanced: sleeps return at once and are recorded. */
export class ManualClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  sleep(ms: number, signal: CancelSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    this.current += ms;
    return Promise.resolve();
  }
}
