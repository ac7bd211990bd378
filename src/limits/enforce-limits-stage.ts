import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { countEmbeddingTokens, estimateRequestTokens } from '../usage/estimate-tokens.js';
import { routeOfRequest } from '../usage/route-of-request.js';
import { loadTokenizer } from '../usage/tokenizer.js';
import type { LimitOutcome } from './limit-service.js';

/** Prompt tokens + max_tokens for chat, the input's tokens for embeddings; 0 for native calls. */
async function estimateTokens(context: RequestContext): Promise<number> {
  if (context.chatRequest) return estimateRequestTokens(context.chatRequest);
  if (context.embeddingsRequest) return countEmbeddingTokens(await loadTokenizer(), context.embeddingsRequest);
  return 0;
}

function outcomeOf(context: RequestContext): LimitOutcome {
  // Native responses are not parsed for usage: their tokens stay as estimated (0).
  if (context.endpoint === 'native') return { totalTokens: undefined, costUsd: null };
  // Side calls (the semantic cache's embedding) were bought for this request, hit or not.
  const side = context.sideCostUsd;
  // A cache hit called no provider: its tokens (the stored answer's usage) are not spent again.
  if (context.cacheStatus === 'HIT') return { totalTokens: 0, costUsd: side ?? null };
  // No result: the call failed before answering, and no tokens were generated or billed.
  const totalTokens = context.result ? context.usage?.total_tokens : 0;
  const cost = context.cost?.usd ?? null;
  return { totalTokens, costUsd: side === undefined ? cost : (cost ?? 0) + side };
}

/**
 * The limits phase (DESIGN.md §2.3), after authentication and parsing: checks and counts the
 * request against its key, team, route and the gateway, and sets the x-ratelimit-* headers
 * (on the refusal too). Once the response is complete — stream ended, failed, or the client
 * gone — its finisher reconciles the token estimate with the real usage, adds the cost to the
 * spend counters and frees the in-flight slot.
 */
export const enforceLimits: Stage = async (context, next) => {
  const { limits } = context.gateway;
  const scopes = limits.scopesFor(context.principal, routeOfRequest(context));
  const decision = await limits.acquire(scopes, () => estimateTokens(context));
  Object.assign(context.responseHeaders, decision.headers);
  if (decision.refusal) throw decision.refusal;
  const { grant } = decision;
  try {
    await next();
  } finally {
    // Pushed on the way back, so it runs after the usage phase's finisher has priced the request.
    context.finishers.push(() => limits.settle(grant, outcomeOf(context)));
  }
};
