import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import type { ChatCompletion, ChatCompletionChunk } from '../schema/chat-completion-response.js';
import type { CachedAnswer } from './cache-backend.js';
import { cachePolicyOf } from './cache-policy.js';
import { chunksFromCompletion, completionFromChunks, isCacheable } from './replay-chat.js';
import type { CacheStatus } from './response-cache.js';
import { recordCacheHit } from './record-cache-hit.js';

function setStatus(context: RequestContext, status: CacheStatus): void {
  context.cacheStatus = status;
  context.responseHeaders['x-sluice-cache-status'] = status;
  context.gateway.cache.counts[status] += 1;
}

async function* replayChunks(completion: ChatCompletion): AsyncGenerator<ChatCompletionChunk> {
  yield* chunksFromCompletion(completion);
}

/** Answers from a stored entry in the form the client asked for (JSON or SSE). */
function serveHit(context: RequestContext, answer: CachedAnswer): void {
  setStatus(context, 'HIT');
  context.costSaved = answer.costUsd;
  context.responseHeaders['x-sluice-provider'] = answer.provider;
  context.responseHeaders['x-sluice-model'] = answer.model;
  context.usage = answer.completion.usage ?? undefined;
  context.result = context.chatRequest!.stream
    ? { kind: 'chat-stream', chunks: replayChunks(answer.completion) }
    : { kind: 'chat', completion: answer.completion };
  context.finishers.push(() => {
    recordCacheHit(context, answer);
    context.logger.info({ requestId: context.requestId, cacheStatus: 'HIT', costSaved: answer.costUsd, model: answer.model }, 'served from cache');
  });
}

/** Copies chunks into `recorded` as they pass (no buffering, no delay); `done()` once the upstream ended cleanly. */
async function* recordStream(chunks: AsyncIterable<ChatCompletionChunk>, recorded: ChatCompletionChunk[], done: () => void): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of chunks) {
    recorded.push(chunk);
    yield chunk;
  }
  done();
}

/**
 * The cache phase (DESIGN.md §2.3). It sits after the request guardrails (a blocked prompt is
 * never looked up, and the key hashes the masked prompt) and inside the response guardrails
 * (a hit is checked and its placeholders restored like a fresh answer), and before the usage
 * and routing stages, which a hit skips: it costs nothing and calls no provider.
 */
export const cacheResponse: Stage = async (context, next) => {
  const policy = cachePolicyOf(context);
  if (policy.mode === 'off') return next();
  if (policy.mode === 'bypass') {
    setStatus(context, 'BYPASS');
    return next();
  }
  const cache = context.gateway.cache;
  let shareAnswer: ((answer: CachedAnswer | undefined) => void) | undefined;
  if (policy.lookup) {
    const stored = await cache.lookup(policy.key);
    if (stored) return serveHit(context, stored);
    // Single-flight: an identical miss already calling upstream answers this one too.
    const flight = cache.joinFlight(policy.key);
    if (flight) {
      const shared = await flight;
      if (shared) return serveHit(context, shared);
    } else {
      shareAnswer = cache.startFlight(policy.key);
    }
  }
  setStatus(context, 'MISS');
  let completion: ChatCompletion | undefined;
  const recorded: ChatCompletionChunk[] = [];
  let streamEnded = false;
  try {
    await next();
    const result = context.result;
    // Captured before the response guardrails (outside this stage) rewrite it for this client.
    if (result?.kind === 'chat') completion = result.completion;
    else if (result?.kind === 'chat-stream') {
      context.result = { kind: 'chat-stream', chunks: recordStream(result.chunks, recorded, () => (streamEnded = true)) };
    }
  } catch (error) {
    shareAnswer?.(undefined);
    throw error;
  }
  // Pushed after the usage stage's finisher (which runs inside this one), so the cost is known.
  context.finishers.push((failure) => {
    let answer: CachedAnswer | undefined;
    const complete = completion ?? (streamEnded ? completionFromChunks(recorded) : undefined);
    if (failure === undefined && complete && isCacheable(complete) && context.target) {
      answer = { completion: complete, costUsd: context.cost?.usd ?? null, provider: context.target.provider.name, model: context.target.qualifiedModel, storedAtMs: cache.now() };
      if (policy.ttlSeconds > 0 && JSON.stringify(answer).length <= policy.maxBytesPerEntry) cache.store(policy.key, answer, policy.ttlSeconds);
    }
    shareAnswer?.(answer);
  });
};
