import type { ChatCompletion, ChatCompletionChunk, Usage } from '../schema/chat-completion-response.js';

/**
 * Watches a chat stream on its way to the client: keeps the last usage the provider reported
 * and, in case it reports none, the generated text to estimate the completion tokens from.
 * Chunks pass through untouched and unbuffered.
 */
export class StreamUsageObserver {
  usage: Usage | undefined;
  model: string | undefined;
  private readonly pieces: string[] = [];

  async *observe(chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
    for await (const chunk of chunks) {
      if (this.model === undefined && chunk.model) this.model = chunk.model;
      if (chunk.usage) this.usage = chunk.usage;
      for (const choice of chunk.choices) {
        const { delta } = choice;
        if (typeof delta.content === 'string') this.pieces.push(delta.content);
        if (typeof delta.refusal === 'string') this.pieces.push(delta.refusal);
        if (typeof delta.reasoning_content === 'string') this.pieces.push(delta.reasoning_content);
        for (const call of delta.tool_calls ?? []) {
          if (call.function?.name) this.pieces.push(call.function.name);
          if (call.function?.arguments) this.pieces.push(call.function.arguments);
        }
      }
      yield chunk;
    }
  }

  /** Everything generated so far (for a stream cut short: what the client received). */
  get generatedText(): string {
    return this.pieces.join('');
  }
}

/** The generated text of a whole completion, for estimating its tokens. */
export function completionText(completion: ChatCompletion): string {
  const pieces: string[] = [];
  for (const { message } of completion.choices) {
    if (typeof message.content === 'string') pieces.push(message.content);
    if (typeof message.refusal === 'string') pieces.push(message.refusal);
    if (typeof message.reasoning_content === 'string') pieces.push(message.reasoning_content);
    for (const call of message.tool_calls ?? []) pieces.push(call.function.name, call.function.arguments);
  }
  return pieces.join('');
}
