import { performance } from 'node:perf_hooks';
import type { ChatCompletionChunk } from '../schema/chat-completion-response.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { toGatewayError } from '../errors/gateway-errors.js';
import { baseHeaders } from './write-response.js';

/**
 * Writes canonical chunks as OpenAI SSE, one write per chunk as it arrives, waiting for
 * 'drain' when the client reads slower than the upstream sends (back-pressure). The usage
 * chunk is passed on only when the client asked for it. Chunks that arrive together are
 * written together (one syscall instead of one per chunk). An upstream failure mid-stream ends
 * the stream with an OpenAI error event, which the official SDKs raise as an error.
 */
export async function writeChatStream(context: RequestContext, chunks: AsyncIterable<ChatCompletionChunk>): Promise<void> {
  const { response } = context;
  const includeUsage = context.chatRequest?.stream_options?.include_usage === true;
  response.writeHead(200, {
    ...baseHeaders(context),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  // Headers go out now: the client sees the stream open without waiting for the first token.
  response.flushHeaders();
  let corked = false;
  const uncork = () => {
    corked = false;
    response.uncork();
  };
  try {
    for await (const chunk of chunks) {
      if (!includeUsage && chunk.choices.length === 0 && chunk.usage) continue;
      if (context.timing.firstByteMs === undefined) context.timing.firstByteMs = performance.now() - context.startedAt;
      if (!corked) {
        // Chunks parsed from one upstream read go out in one write: uncork runs once the
        // microtasks that deliver them are done, so batching adds no delay.
        corked = true;
        response.cork();
        process.nextTick(uncork);
      }
      if (!response.write(`data: ${JSON.stringify(chunk)}\n\n`)) {
        await drained(context);
        if (context.abort.aborted) return;
      }
    }
    response.end('data: [DONE]\n\n');
  } catch (error) {
    if (context.abort.signal.aborted || response.destroyed) return;
    const gatewayError = toGatewayError(error);
    context.logger.warn({ requestId: context.requestId, err: error }, 'stream failed after it started');
    const event = { error: { message: gatewayError.message, type: gatewayError.type, code: gatewayError.code, param: null } };
    response.end(`data: ${JSON.stringify(event)}\n\n`);
  }
}

/** Resolves when the client has read what was written, or when it has gone away. */
export function drained(context: RequestContext): Promise<void> {
  if (context.response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      context.response.off('drain', done);
      context.response.off('close', done);
      resolve();
    };
    context.response.once('drain', done);
    context.response.once('close', done);
  });
}
