import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { respondWith } from '../pipeline/stages/respond.js';
import { anthropicErrorBody } from '../errors/render-error.js';
import { writeJson } from '../server/write-response.js';
import { writeEventStream } from '../server/write-chat-stream.js';
import type { ChatCompletionChunk } from '../schema/chat-completion-response.js';
import { convertCompletionToMessage } from './convert-completion-to-message.js';
import { convertChunksToEvents } from './convert-chunks-to-events.js';

/**
 * The outermost stage of `/v1/messages` (the counterpart of respond.ts): runs the chat pipeline,
 * then writes its canonical answer as an Anthropic Message or Anthropic stream events; errors
 * are written in Anthropic's shape (the context's dialect is `anthropic`).
 */
export const respondMessages: Stage = (context, next) =>
  respondWith(context, next, async (result) => {
    if (result?.kind === 'chat') writeJson(context, 200, convertCompletionToMessage(result.completion));
    else if (result?.kind === 'chat-stream') await writeMessageStream(context, result.chunks);
    else if (result?.kind === 'json') writeJson(context, 200, result.body);
    else throw new Error('the messages pipeline produced no chat result');
  });

/**
 * Anthropic's SDK drops a stream event without an `event:` line (FIELD-NOTES.md), so each event
 * is written as `event: <type>` + `data: <json>`; a failure after the stream started ends it with
 * an Anthropic `error` event.
 */
function writeMessageStream(context: RequestContext, chunks: AsyncIterable<ChatCompletionChunk>): Promise<void> {
  return writeEventStream(context, convertChunksToEvents(chunks, context.chatRequest?.model ?? ''), {
    frame: (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`,
    end: '',
    errorFrame: (error) => `event: error\ndata: ${anthropicErrorBody(error)}\n\n`,
  });
}
