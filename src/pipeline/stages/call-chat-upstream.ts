import { performance } from 'node:perf_hooks';
import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import type { ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import type { Stage } from '../compose-stages.js';
import type { RequestContext } from '../request-context.js';
import { isContentFilterRefusal, runRoute } from '../../routing/run-route.js';

/** The request as the chosen target receives it: its model name and per-target parameters. */
export function upstreamChatRequest(context: RequestContext): ChatCompletionRequest {
  const request = context.chatRequest!;
  const target = context.target!;
  return { ...request, ...(target.params ?? target.route?.target.params), model: target.upstreamModel };
}

/**
 * The innermost chat stage: calls the provider through the route executor (retries, breakers,
 * fallback) and leaves the result for the respond stage. A stream is handed over once its
 * upstream accepted: from then on there is no fallback, failures end the stream.
 */
export const callChatUpstream: Stage = async (context, next) => {
  if (context.chatRequest!.stream) {
    const chunks = await runRoute(context, (provider, call) => provider.stream(upstreamChatRequest(context), call));
    context.timing.upstreamHeadersMs = performance.now() - context.startedAt;
    context.result = { kind: 'chat-stream', chunks: recordUsage(context, chunks) };
  } else {
    const completion = await runRoute(context, (provider, call) => provider.complete(upstreamChatRequest(context), call), isContentFilterRefusal);
    context.timing.upstreamHeadersMs = performance.now() - context.startedAt;
    context.usage = completion.usage ?? undefined;
    context.result = { kind: 'chat', completion };
  }
  await next();
};

async function* recordUsage(context: RequestContext, chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of chunks) {
    if (chunk.usage) context.usage = chunk.usage;
    yield chunk;
  }
}
