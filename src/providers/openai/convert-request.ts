import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';

/** Parameters other adapters carry under their provider's name (DESIGN.md §2.1); OpenAI rejects unknown ones. */
const otherProvidersExtras = ['anthropic', 'gemini'] as const;

/**
 * The canonical format is OpenAI's, so the body goes upstream as the client sent it, minus
 * other providers' extras (e.g. `anthropic.top_k` from a `/v1/messages` client), which are
 * reported instead. When streaming, usage is requested so the gateway always knows the tokens;
 * whether the client sees that extra chunk is decided downstream by what it asked for.
 */
export function convertRequest(request: ChatCompletionRequest, options: { streamUsage: boolean }, warn: (message: string) => void = () => undefined): string {
  let body = request;
  for (const key of otherProvidersExtras) {
    if (body[key] === undefined) continue;
    if (body === request) body = { ...request };
    delete body[key];
    warn(`parameter "${key}" holds another provider's parameters and was not sent`);
  }
  if (body.stream && options.streamUsage && !body.stream_options?.include_usage) {
    return JSON.stringify({ ...body, stream_options: { ...body.stream_options, include_usage: true } });
  }
  return JSON.stringify(body);
}
