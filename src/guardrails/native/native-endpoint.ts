/** Request bodies of `/native/*` the gateway can read, by the provider's own wire format. */
export type NativeRequestFormat =
  | 'openai-chat'
  | 'openai-responses'
  | 'openai-embeddings'
  | 'anthropic-messages'
  | 'gemini-contents'
  | 'gemini-embed'
  | 'gemini-batch-embed';

/**
 * What an answer carries: `none` for answers without generated text (vectors, token counts,
 * model listings), a format the guard reads, or `unreadable` for answers it cannot check.
 */
export type NativeAnswerFormat = 'none' | 'openai-chat' | 'anthropic-message' | 'gemini-response' | 'unreadable';

export interface NativeEndpoint {
  /** Undefined: the body (if any) is not one the gateway can read. */
  readonly request: NativeRequestFormat | undefined;
  readonly answer: NativeAnswerFormat;
}

const unknownEndpoint: NativeEndpoint = { request: undefined, answer: 'unreadable' };

/**
 * Which of a provider's endpoints a native call is, from the provider type, method and path
 * (the part after `/native/{provider}`). Paths are matched on their ending, so the OpenAI SDK's
 * `/chat/completions`, a `/v1/chat/completions` and Azure's `/openai/deployments/X/chat/completions`
 * are all the chat endpoint.
 */
export function classifyNativeEndpoint(providerType: string, method: string, path: string, query: URLSearchParams): NativeEndpoint {
  if (method === 'GET' && isModelListing(providerType, path)) return { request: undefined, answer: 'none' };
  if (method !== 'POST') return unknownEndpoint;
  if (providerType === 'openai' || providerType === 'azure-openai') {
    if (/\/chat\/completions$/.test(path)) return { request: 'openai-chat', answer: 'openai-chat' };
    if (/\/embeddings$/.test(path)) return { request: 'openai-embeddings', answer: 'none' };
    if (/\/responses\/input_tokens$/.test(path)) return { request: 'openai-responses', answer: 'none' };
    if (/\/responses$/.test(path)) return { request: 'openai-responses', answer: 'unreadable' };
    return unknownEndpoint;
  }
  if (providerType === 'anthropic') {
    if (/\/messages\/count_tokens$/.test(path)) return { request: 'anthropic-messages', answer: 'none' };
    if (/\/messages$/.test(path)) return { request: 'anthropic-messages', answer: 'anthropic-message' };
    return unknownEndpoint;
  }
  if (providerType === 'gemini') {
    const action = /\/models\/[^/:]+:([A-Za-z]+)$/.exec(path)?.[1];
    if (action === 'generateContent') return { request: 'gemini-contents', answer: 'gemini-response' };
    // Without `alt=sse` Google streams one JSON array, which is not read as it passes.
    if (action === 'streamGenerateContent') return { request: 'gemini-contents', answer: query.get('alt') === 'sse' ? 'gemini-response' : 'unreadable' };
    if (action === 'countTokens') return { request: 'gemini-contents', answer: 'none' };
    if (action === 'embedContent') return { request: 'gemini-embed', answer: 'none' };
    if (action === 'batchEmbedContents') return { request: 'gemini-batch-embed', answer: 'none' };
    return unknownEndpoint;
  }
  return unknownEndpoint;
}

/** Model listings and single-model lookups: no prompt goes out, no generated text comes back. */
function isModelListing(providerType: string, path: string): boolean {
  if (providerType === 'gemini') return /^\/v1(beta|alpha)?\/models(\/[^/:]+)?$/.test(path);
  return /^(\/v1)?\/models(\/[^/]+)?$/.test(path);
}
