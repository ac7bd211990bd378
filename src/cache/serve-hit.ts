import type { RequestContext } from '../pipeline/request-context.js';
import type { ChatCompletion, ChatCompletionChunk } from '../schema/chat-completion-response.js';
import type { CacheEntry } from './cache-backend.js';
import { rememberedJsonText } from '../http/raw-json.js';
import { recordCacheHit } from './record-cache-hit.js';
import { chunksFromCompletion, renderedStream } from './replay-chat.js';
import { withPreparedEventStream } from '../http/prepared-event-stream.js';
import type { CacheStatus } from './response-cache.js';
import type { SharedFlight } from './shared-flight.js';

export function setCacheStatus(context: RequestContext, status: CacheStatus): void {
  context.cacheStatus = status;
  context.responseHeaders['x-sluice-cache-status'] = status;
  context.gateway.cache.counts[status] += 1;
}

async function* chunksOf(completion: ChatCompletion): AsyncGenerator<ChatCompletionChunk> {
  yield* chunksFromCompletion(completion);
}

/**
 * A stored answer as the chunks of a stream, for a client that asked for one. Its SSE bytes are
 * rendered once per answer (the memory backend hands out the same object on every hit), and the
 * writer sends them as they are unless a stage (response guardrails) rewrites the chunks.
 */
export function replayChunks(completion: ChatCompletion): AsyncIterable<ChatCompletionChunk> {
  return withPreparedEventStream(chunksOf(completion), (includeUsage) => renderedStream(completion, includeUsage));
}

function hitServed(context: RequestContext, provider: string, model: string, costSaved: number | null, similarity?: number): void {
  context.costSaved = costSaved;
  recordCacheHit(context, provider, model, costSaved);
  // Debug, not info: the request log already records every hit with the cost it saved.
  context.logger.debug({ requestId: context.requestId, cacheStatus: 'HIT', cacheMatch: similarity === undefined ? 'exact' : 'semantic', similarity, costSaved, model }, 'served from cache');
}

/** How a semantic hit matched: the cosine similarity of the stored prompt it answers for. */
export interface SemanticMatchInfo {
  similarity: number;
}

/**
 * Answers from a complete answer (stored, or shared by a finished flight) in the form the client
 * asked for. A semantic hit (`semantic` given) is the same hit, with two headers more.
 */
export function serveHit(context: RequestContext, answer: CacheEntry, semantic?: SemanticMatchInfo): void {
  setCacheStatus(context, 'HIT');
  context.costSaved = answer.costUsd;
  context.responseHeaders['x-sluice-provider'] = answer.provider;
  context.responseHeaders['x-sluice-model'] = answer.model;
  if (semantic) {
    context.responseHeaders['x-sluice-cache-match'] = 'semantic';
    context.responseHeaders['x-sluice-cache-similarity'] = semantic.similarity.toFixed(4);
  }
  if ('embeddings' in answer) {
    const { usage } = answer.embeddings;
    context.usage = usage ? { prompt_tokens: usage.prompt_tokens, completion_tokens: 0, total_tokens: usage.total_tokens ?? usage.prompt_tokens } : undefined;
    context.result = { kind: 'embeddings', embeddings: answer.embeddings };
    rememberedJsonText(answer.embeddings);
  } else {
    context.usage = answer.completion.usage ?? undefined;
    context.result = context.chatRequest!.stream
      ? { kind: 'chat-stream', chunks: replayChunks(answer.completion) }
      : { kind: 'chat', completion: answer.completion };
    // The memory backend hands out the same object on every hit: later hits write its bytes as they are.
    if (!context.chatRequest!.stream) rememberedJsonText(answer.completion);
  }
  context.finishers.push(() => hitServed(context, answer.provider, answer.model, answer.costUsd, semantic?.similarity));
}

/**
 * Streams an identical miss's answer as its chunks arrive (single-flight). The saved cost and
 * the usage are the leader's, known once it has settled: after this stream ended.
 */
export function serveSharedStream(context: RequestContext, flight: SharedFlight): void {
  const source = flight.source!;
  setCacheStatus(context, 'HIT');
  context.responseHeaders['x-sluice-provider'] = source.provider;
  context.responseHeaders['x-sluice-model'] = source.model;
  context.result = { kind: 'chat-stream', chunks: flight.read(context.abort) };
  context.finishers.push(async () => {
    const answer = await flight.settled;
    context.usage = answer?.completion.usage ?? undefined;
    hitServed(context, source.provider, source.model, answer?.costUsd ?? null);
  });
}
