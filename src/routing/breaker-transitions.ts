import { EventEmitter } from 'node:events';
import type { BreakerDecision, BreakerOutcome, BreakerSettings, BreakerState } from './breaker-state.js';
import type { BreakerSnapshot, BreakerStore } from './breaker-store.js';

/** A breaker of this instance changed state because of an outcome recorded here. */
export interface BreakerTransition {
  /** `provider/model`. */
  target: string;
  from: BreakerState;
  to: BreakerState;
  /** Consecutive failures when it changed (what tripped a breaker opened by the count). */
  consecutiveFailures: number;
  /** Epoch ms (the router's clock). */
  at: number;
}

interface BreakerEventMap {
  transition: [BreakerTransition];
}

/** Breaker state changes, for observability to subscribe to (alerts). */
export class BreakerEvents extends EventEmitter<BreakerEventMap> {}

/**
 * Wraps a breaker store so that every state change caused by a recorded outcome is announced
 * on `events`. The store runs the state machine; this only compares the state before and after
 * (a map look-up each), and does not even that while nobody listens. With a Redis store the
 * change is seen when this instance's own outcome makes it; one made by another instance is
 * not announced here (each instance alerts on what it sees).
 */
export function observeBreakerTransitions(store: BreakerStore, events: BreakerEvents): BreakerStore {
  if (!store.peek) return store;
  const peek = store.peek.bind(store);
  return {
    get kind() {
      return store.kind;
    },
    acquire: (target: string, settings: BreakerSettings, now: number): Promise<BreakerDecision> => store.acquire(target, settings, now),
    record(target: string, outcome: BreakerOutcome, settings: BreakerSettings, now: number): void {
      if (events.listenerCount('transition') === 0) return store.record(target, outcome, settings, now);
      const from = peek(target)?.state ?? 'closed';
      store.record(target, outcome, settings, now);
      const after = peek(target);
      const to = after?.state ?? 'closed';
      if (to === from) return;
      try {
        events.emit('transition', { target, from, to, consecutiveFailures: after?.consecutiveFailures ?? 0, at: now });
      } catch {
        // A listener's bug must not fail the request whose outcome this was.
      }
    },
    snapshot: (target: string, now: number, windowMs: number): Promise<BreakerSnapshot> => store.snapshot(target, now, windowMs),
    peek,
    flush: () => store.flush(),
    close: () => store.close(),
  };
}
