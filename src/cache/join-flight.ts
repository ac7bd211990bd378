import type { Cancellation } from '../http/cancellation.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { serveHit, serveSharedStream } from './serve-hit.js';
import type { SharedFlight } from './shared-flight.js';

/** Waits for `promise`, giving up (with the abort's reason) when this client goes away. */
function unlessAborted<T>(promise: Promise<T>, abort: Cancellation): Promise<T> {
  if (abort.aborted) return Promise.reject(abort.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abort.reason);
    abort.once('abort', onAbort);
    promise.then(
      (value) => {
        abort.removeListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        abort.removeListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Answers a miss from an identical one already calling upstream: a stream client gets the
 * leader's chunks as they arrive, a JSON client the complete answer (assembled from a streamed
 * leader, or replayed as SSE from a JSON one). Returns false when the leader ends without an
 * answer to share (it failed, or its answer is not cacheable): this request then makes its own call.
 */
export async function joinFlight(context: RequestContext, flight: SharedFlight): Promise<boolean> {
  const release = flight.attach();
  context.abort.once('abort', release);
  try {
    const start = await unlessAborted(flight.started, context.abort);
    if (start === 'none') return false;
    if (start === 'stream' && context.chatRequest!.stream) {
      serveSharedStream(context, flight);
      return true;
    }
    const answer = await unlessAborted(flight.settled, context.abort);
    if (!answer) return false;
    serveHit(context, answer);
    return true;
  } finally {
    context.abort.removeListener('abort', release);
    release();
  }
}
