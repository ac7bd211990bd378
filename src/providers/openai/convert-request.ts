import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';

/**
 * The canonical format is OpenAI's, so the body goes upstream as the client sent it. When
 * streaming, usage is requested so the gateway always knows the tokens; whether the client
 * sees that extra chunk is decided downstream by what it asked for.
 */
export function convertRequest(request: ChatCompletionRequest, options: { streamUsage: boolean }): string {
  if (request.stream && options.streamUsage && !request.stream_options?.include_usage) {
    return JSON.stringify({ ...request, stream_options: { ...request.stream_options, include_usage: true } });
  }
  return JSON.stringify(request);
}
