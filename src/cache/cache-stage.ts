import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { cachePolicyOf, type CachePolicy } from './cache-policy.js';
import { joinFlight } from './join-flight.js';
import { keepAnswer } from './keep-answer.js';
import { leadFlight } from './lead-flight.js';
import { captureAnswer } from './capture-answer.js';
import { serveHit, setCacheStatus } from './serve-hit.js';

/**
 * The cache phase (DESIGN.md §2.3). It sits after the request guardrails (a blocked prompt is
 * never looked up, and the key hashes the masked prompt) and inside the response guardrails
 * (a hit is checked and its placeholders restored like a fresh answer), and before the usage
 * and routing stages, which a hit skips: it costs nothing and calls no provider.
 */
export const cacheResponse: Stage = (context, next) => {
  const policy = cachePolicyOf(context);
  // Off (most routes): not async, so no frame or promise of its own on every request.
  if (policy.mode === 'off') return next();
  return cacheWithPolicy(context, next, policy);
};

async function cacheWithPolicy(context: RequestContext, next: () => Promise<void>, policy: Exclude<CachePolicy, { mode: 'off' }>): Promise<void> {
  if (policy.mode === 'bypass') {
    setCacheStatus(context, 'BYPASS');
    return next();
  }
  const cache = context.gateway.cache;
  let joined = false;
  if (policy.lookup) {
    const stored = await cache.lookup(policy.key);
    if (stored) return serveHit(context, stored);
    // Single-flight: an identical miss already calling upstream answers this one too.
    const flight = cache.joinFlight(policy.key);
    if (flight) {
      if (await joinFlight(context, flight)) return;
      // Its leader had nothing to share: this request makes its own call, alone (no new flight,
      // so a failing upstream is not retried in a chain by every waiter).
      joined = true;
    }
  }
  setCacheStatus(context, 'MISS');
  if (policy.lookup && !joined) return leadFlight(context, next, policy, cache.startFlight(policy.key, policy.maxBytesPerEntry));
  // `Cache-Control: no-cache` (or a fallen-back waiter): ask upstream, store what comes back.
  const answer = await captureAnswer(context, next);
  // Pushed after the usage stage's finisher (which runs inside this one), so the cost is known.
  context.finishers.push((failure) => {
    if (failure === undefined) keepAnswer(context, policy, answer());
  });
}
