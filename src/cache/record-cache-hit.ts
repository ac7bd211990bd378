import type { RequestContext } from '../pipeline/request-context.js';
import type { TokenCounts } from '../usage/normalize-usage.js';
import { routeOfRequest } from '../usage/route-of-request.js';

/** A hit bought nothing from a provider: no tokens, no cost. */
const noTokens: Readonly<TokenCounts> = Object.freeze({ prompt: 0, completion: 0, total: 0, cached: 0, cacheWrite: 0, reasoning: 0 });

/**
 * Puts a cache hit into the usage totals: a request with zero tokens and zero cost, counted as a
 * hit with the cost it saved. The usage stage never runs for a hit (it sits inside the cache
 * stage), so this is the hit's only usage record; the limits stage likewise settles a hit with
 * no tokens and no spend (src/limits/enforce-limits-stage.ts).
 */
export function recordCacheHit(context: RequestContext, provider: string, model: string, costSavedUsd: number | null): void {
  context.gateway.usage.recorder.record({
    atMs: Date.now(),
    keyId: context.principal?.key.id,
    teamId: context.principal?.team.id,
    route: routeOfRequest(context),
    provider,
    model,
    tokens: noTokens,
    estimated: false,
    costUsd: 0,
    cacheHit: { costSavedUsd },
  });
}
