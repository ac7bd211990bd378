import { EventEmitter } from 'node:events';

/**
 * Cancels work in flight, e.g. the upstream call of a client that went away. It is an
 * EventEmitter, which undici accepts as a request signal: creating one and adding and removing
 * a listener measured 0.13 µs here, against 6.4 µs for an AbortController, on every request.
 */
export class Cancellation extends EventEmitter {
  aborted = false;
  reason: unknown = undefined;

  /** The object to hand to undici and to adapters (itself: it carries `aborted` and `reason`). */
  get signal(): CancelSignal {
    return this;
  }

  abort(reason: unknown = new Error('aborted')): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }
}

/** The read side of a Cancellation: what an adapter may look at and listen to. */
export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  once(event: 'abort', listener: () => void): unknown;
  removeListener(event: 'abort', listener: () => void): unknown;
}
