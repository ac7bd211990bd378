import type { RequestContext } from '../pipeline/request-context.js';
import type { ChatCompletion } from '../schema/chat-completion-response.js';
import type { CachePolicy } from './cache-policy.js';
import { keepAnswer } from './keep-answer.js';
import { completionFromChunks } from './replay-chat.js';
import type { SharedFlight } from './shared-flight.js';

/**
 * Runs the upstream call of a miss that identical misses may join. The call listens to the
 * flight's cancellation, not to this client: it ends early only when every client sharing it
 * has gone. A streamed answer is pumped into the flight and this client reads it like any waiter.
 */
export async function leadFlight(context: RequestContext, next: () => Promise<void>, policy: Extract<CachePolicy, { mode: 'use' }>, flight: SharedFlight): Promise<void> {
  context.upstreamAbort = flight.cancellation;
  const releaseCall = flight.attach();
  context.abort.once('abort', releaseCall);
  // Registered before the inner stages' finishers, so it runs before the usage stage's: that
  // one must see the whole shared stream, also when this client left half-way.
  context.finishers.push(() => flight.whenStreamEnds());
  let completion: ChatCompletion | undefined;
  try {
    await next();
    const result = context.result;
    if (result?.kind === 'chat') completion = result.completion;
    else if (result?.kind === 'chat-stream' && context.target) {
      flight.startStream(result.chunks, { provider: context.target.provider.name, model: context.target.qualifiedModel });
      context.result = { kind: 'chat-stream', chunks: flight.read(context.abort) };
    }
  } catch (error) {
    flight.fail(error);
    throw error;
  } finally {
    context.abort.removeListener('abort', releaseCall);
    releaseCall();
  }
  context.finishers.push((failure) => {
    // A stream is judged by the shared log (complete even if this client left); JSON by this response.
    const complete = completion !== undefined ? (failure === undefined ? completion : undefined) : flight.complete ? completionFromChunks(flight.chunks) : undefined;
    flight.settle(keepAnswer(context, policy, complete));
  });
}
