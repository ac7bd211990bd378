import type { RequestContext } from '../pipeline/request-context.js';
import type { ChatCompletion, ChatCompletionChunk } from '../schema/chat-completion-response.js';
import { completionFromChunks } from './replay-chat.js';

/** Copies chunks into `recorded` as they pass (no buffering, no delay); `done()` once the upstream ended cleanly. */
async function* recordStream(chunks: AsyncIterable<ChatCompletionChunk>, recorded: ChatCompletionChunk[], done: () => void): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of chunks) {
    recorded.push(chunk);
    yield chunk;
  }
  done();
}

/**
 * Runs the stages after a cache stage and records their answer as it passes (a stream chunk by
 * chunk, without delaying it), captured before the response guardrails (outside the cache
 * stages) rewrite it for this client. The returned function gives the complete answer once the
 * response has ended, or undefined when there is none (a stream cut short).
 */
export async function captureAnswer(context: RequestContext, next: () => Promise<void>): Promise<() => ChatCompletion | undefined> {
  let completion: ChatCompletion | undefined;
  const recorded: ChatCompletionChunk[] = [];
  let streamEnded = false;
  await next();
  const result = context.result;
  if (result?.kind === 'chat') completion = result.completion;
  else if (result?.kind === 'chat-stream') {
    context.result = { kind: 'chat-stream', chunks: recordStream(result.chunks, recorded, () => (streamEnded = true)) };
  }
  return () => completion ?? (streamEnded ? completionFromChunks(recorded) : undefined);
}
