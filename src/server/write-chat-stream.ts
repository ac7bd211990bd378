import { performance } from 'node:perf_hooks';
import type { ChatCompletionChunk } from '../schema/chat-completion-response.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { toGatewayError, type GatewayError } from '../errors/gateway-errors.js';
import { baseHeaders } from './write-response.js';
import { preparedEventStream } from '../http/prepared-event-stream.js';

/** One chunk as an OpenAI SSE frame; the usage chunk only when the client asked for it. */
export function chatChunkFrame(chunk: ChatCompletionChunk, includeUsage: boolean): string | undefined {
  return !includeUsage && chunk.choices.length === 0 && chunk.usage ? undefined : `data: ${JSON.stringify(chunk)}\n\n`;
}

export const chatStreamEnd = 'data: [DONE]\n\n';

/**
 * Writes canonical chunks as OpenAI SSE. The usage chunk is passed on only when the client asked
 * for it. An upstream failure mid-stream ends the stream with an OpenAI error event, which the
 * official SDKs raise as an error.
 */
export function writeChatStream(context: RequestContext, chunks: AsyncIterable<ChatCompletionChunk>): Promise<void> {
  const includeUsage = context.chatRequest?.stream_options?.include_usage === true;
  // A cached answer nothing rewrote: its frames were rendered once (src/cache/replay-chat.ts).
  const prepared = preparedEventStream(chunks, includeUsage);
  if (prepared !== undefined) return writePreparedEventStream(context, prepared);
  return writeEventStream(context, chunks, {
    frame: (chunk) => chatChunkFrame(chunk, includeUsage),
    end: chatStreamEnd,
    errorFrame: (error) => `data: ${JSON.stringify({ error: { message: error.message, type: error.type, code: error.code, param: null } })}\n\n`,
  });
}

/** How one dialect writes its events: a frame per item (undefined skips it), the end, an error. */
export interface EventStreamFormat<T> {
  frame(item: T): string | undefined;
  end: string;
  errorFrame(error: GatewayError): string;
}

function writeEventStreamHead(context: RequestContext): void {
  context.response.writeHead(200, {
    ...baseHeaders(context),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
}

/** A whole stream known in advance: headers and every frame in one write. */
async function writePreparedEventStream(context: RequestContext, bytes: Buffer): Promise<void> {
  writeEventStreamHead(context);
  context.timing.firstByteMs = performance.now() - context.startedAt;
  context.response.end(bytes);
}

/**
 * Writes an event stream, one write per item as it arrives, waiting for 'drain' when the client
 * reads slower than the upstream sends (back-pressure). Items that arrive together are written
 * together (one syscall instead of one per item). A failure after the headers went out can only
 * end the stream, with the dialect's error event.
 */
export async function writeEventStream<T>(context: RequestContext, items: AsyncIterable<T>, format: EventStreamFormat<T>): Promise<void> {
  const { response } = context;
  writeEventStreamHead(context);
  // Headers go out now: the client sees the stream open without waiting for the first token.
  response.flushHeaders();
  let corked = false;
  const uncork = () => {
    corked = false;
    response.uncork();
  };
  try {
    for await (const item of items) {
      const frame = format.frame(item);
      if (frame === undefined) continue;
      if (context.timing.firstByteMs === undefined) context.timing.firstByteMs = performance.now() - context.startedAt;
      if (!corked) {
        // Items parsed from one upstream read go out in one write: uncork runs once the
        // microtasks that deliver them are done, so batching adds no delay.
        corked = true;
        response.cork();
        process.nextTick(uncork);
      }
      if (!response.write(frame)) {
        await drained(context);
        if (context.abort.aborted) return;
      }
    }
    response.end(format.end);
  } catch (error) {
    if (context.abort.signal.aborted || response.destroyed) return;
    context.logger.warn({ requestId: context.requestId, err: error }, 'stream failed after it started');
    response.end(format.errorFrame(toGatewayError(error)));
  }
}

/** Resolves when the client has read what was written, or when it has gone away. */
function drained(context: RequestContext): Promise<void> {
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
