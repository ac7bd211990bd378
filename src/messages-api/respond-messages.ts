import { performance } from 'node:perf_hooks';
import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { runFinishers } from '../pipeline/stages/respond.js';
import { toGatewayError } from '../errors/gateway-errors.js';
import { anthropicErrorBody } from '../errors/render-error.js';
import { baseHeaders, writeError, writeJson } from '../server/write-response.js';
import { drained } from '../server/write-chat-stream.js';
import type { ChatCompletionChunk } from '../schema/chat-completion-response.js';
import { convertCompletionToMessage } from './convert-completion-to-message.js';
import { convertChunksToEvents } from './convert-chunks-to-events.js';

/**
 * The outermost stage of `/v1/messages` (the counterpart of respond.ts): runs the chat pipeline,
 * then writes its canonical answer as an Anthropic Message or Anthropic stream events; errors
 * are written in Anthropic's shape (the context's dialect is `anthropic`).
 */
export const respondMessages: Stage = async (context, next) => {
  let failure: unknown;
  try {
    await next();
    const { result } = context;
    if (result?.kind === 'chat') writeJson(context, 200, convertCompletionToMessage(result.completion));
    else if (result?.kind === 'chat-stream') await writeMessageStream(context, result.chunks);
    else if (result?.kind === 'json') writeJson(context, 200, result.body);
    else throw new Error('the messages pipeline produced no chat result');
  } catch (error) {
    failure = error;
    if (!context.abort.signal.aborted) writeError(context, error);
  } finally {
    await runFinishers(context, failure);
    if (context.warnings.length > 0) {
      context.logger.warn({ requestId: context.requestId, model: context.target?.qualifiedModel, warnings: context.warnings }, 'request parameters not supported by the provider');
    }
  }
};

/**
 * Anthropic's SDK drops a stream event without an `event:` line (FIELD-NOTES.md), so each event
 * is written as `event: <type>` + `data: <json>`. Same back-pressure and batching as the OpenAI
 * stream writer; a failure after the stream started ends it with an Anthropic `error` event.
 */
async function writeMessageStream(context: RequestContext, chunks: AsyncIterable<ChatCompletionChunk>): Promise<void> {
  const { response } = context;
  response.writeHead(200, {
    ...baseHeaders(context),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  response.flushHeaders();
  let corked = false;
  const uncork = () => {
    corked = false;
    response.uncork();
  };
  try {
    for await (const event of convertChunksToEvents(chunks, context.chatRequest?.model ?? '')) {
      if (context.timing.firstByteMs === undefined) context.timing.firstByteMs = performance.now() - context.startedAt;
      if (!corked) {
        corked = true;
        response.cork();
        process.nextTick(uncork);
      }
      if (!response.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)) {
        await drained(context);
        if (context.abort.aborted) return;
      }
    }
    response.end();
  } catch (error) {
    if (context.abort.signal.aborted || response.destroyed) return;
    context.logger.warn({ requestId: context.requestId, err: error }, 'stream failed after it started');
    response.end(`event: error\ndata: ${anthropicErrorBody(toGatewayError(error))}\n\n`);
  }
}
