import type { Stage } from '../../pipeline/compose-stages.js';
import type { RequestContext } from '../../pipeline/request-context.js';
import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import type { SemanticRouteConfig } from './semantic-config.js';
import type { CachedAnswer } from '../cache-backend.js';
import { cachePolicyOf } from '../cache-policy.js';
import { isCacheable } from '../replay-chat.js';
import { captureAnswer } from '../capture-answer.js';
import { serveHit } from '../serve-hit.js';
import { semanticRequestOf } from './semantic-request.js';
import type { SemanticMatch } from './vector-store.js';
import type { EmbeddingCall } from './embedder.js';
import { recordEmbeddingUsage } from './record-embedding-usage.js';

/** Answers with the stored answer of a similar prompt, through the same hit path as an exact hit. */
function serveSemanticHit(context: RequestContext, match: SemanticMatch): void {
  // The exact stage counted this request as its MISS before asking this stage: it is a HIT after all.
  context.gateway.cache.counts.MISS -= 1;
  serveHit(context, match.answer, { similarity: match.similarity });
}

/**
 * The semantic cache (docs/caching.md): sits right after the exact cache stage and runs only on
 * its MISS, on routes with `cache.semantic`. It embeds the last user message, looks for a stored
 * prompt of the same bucket (tenant, route, parameters, earlier turns) at or above the route's
 * cosine threshold, and serves its answer; otherwise it lets the request go upstream and stores
 * the complete answer with the prompt's vector. A failing embedding model or vector store only
 * turns this into a miss.
 */
export const semanticCacheResponse: Stage = (context, next) => {
  const request = context.chatRequest;
  const settings = request ? context.gateway.config.routes[request.model]?.cache?.semantic : undefined;
  // HIT, BYPASS and off are settled by the exact stage; x-sluice-cache-key names the entry exactly.
  // Those (and routes without it) pass straight on: not async, no frame or promise of its own.
  if (!request || !settings || context.cacheStatus !== 'MISS' || context.request.headers['x-sluice-cache-key'] !== undefined) return next();
  return semanticLookup(context, next, request, settings);
};

async function semanticLookup(context: RequestContext, next: () => Promise<void>, request: ChatCompletionRequest, settings: SemanticRouteConfig): Promise<void> {
  const policy = cachePolicyOf(context);
  if (policy.mode !== 'use') return next();
  const { config, semanticCache } = context.gateway;
  const embedder = semanticCache.embedderFor(settings.embedding);
  const prompt = semanticRequestOf({
    endpoint: context.endpoint,
    route: request.model,
    request,
    scope: settings.scope ?? config.cache.scope,
    teamId: context.principal?.team.id,
    keyId: context.principal?.key.id,
    callerProviderKey: context.callerProviderKey,
    embedderId: embedder.id,
  });
  if (!prompt) return next();
  const recordCall = (call: EmbeddingCall) =>
    recordEmbeddingUsage(context, call, prompt.text).catch((error: unknown) => context.logger.error({ requestId: context.requestId, err: error }, 'recording the semantic cache embedding usage failed'));
  const vector = await semanticCache.embed(embedder, prompt.text, context.abort.signal, recordCall);
  if (!vector) return next();
  if (policy.lookup) {
    const match = await semanticCache.search(prompt.bucket, vector, settings.threshold);
    if (match) return serveSemanticHit(context, match);
  }
  const captured = await captureAnswer(context, next);
  // Pushed after the usage stage's finisher (which runs inside this one), so the cost is known.
  context.finishers.push((failure) => {
    const complete = captured();
    if (failure !== undefined || !complete || !isCacheable(complete) || !context.target || policy.ttlSeconds <= 0) return;
    const answer: CachedAnswer = { completion: complete, costUsd: context.cost?.usd ?? null, provider: context.target.provider.name, model: context.target.qualifiedModel, storedAtMs: semanticCache.now() };
    if (JSON.stringify(answer).length > policy.maxBytesPerEntry) return;
    void semanticCache.add(prompt.bucket, { vector, answer, ttlSeconds: policy.ttlSeconds, maxEntries: settings.max_entries });
  });
}
