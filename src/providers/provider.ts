import type { ChatCompletionRequest } from '../schema/chat-completion-request.js';
import type { ChatCompletion, ChatCompletionChunk } from '../schema/chat-completion-response.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../schema/embeddings.js';
import type { CancelSignal } from '../http/cancellation.js';

export type ProviderType = 'openai' | 'anthropic' | 'gemini' | 'azure-openai';

export interface ProviderCapabilities {
  chat: boolean;
  stream: boolean;
  embeddings: boolean;
}

/** Per-call context handed to an adapter by the pipeline. */
export interface ProviderCall {
  /** Aborted when the client disconnects or the gateway gives up. */
  signal: CancelSignal;
  /** Time allowed until the upstream's response headers (time to first byte). */
  timeoutMs: number;
  /** Time a stream may stay silent before it is cut. */
  idleTimeoutMs: number;
  /**
   * The provider credential for this call (a weighted pick among the configured and stored
   * ones, or the caller's own key on a BYOK route). Undefined: the adapter's configured key.
   */
  apiKey?: string;
  /** Reports a parameter the provider cannot take (logged and sent in `x-sluice-warnings`). */
  warn(message: string): void;
  /** W3C trace context headers (`traceparent`, `tracestate`) every upstream request carries. */
  traceHeaders?: Record<string, string>;
}

/** Where `/native/{provider}/...` requests go and which credential headers they carry. */
export interface NativeTarget {
  /** The vendor SDK's base URL, without a trailing slash. */
  baseUrl: string;
  /** Credential headers injected on every forwarded request (replacing the client's). */
  headers: Record<string, string>;
  /** Query parameters to add (e.g. Azure's api-version when absent). */
  query?: Record<string, string>;
}

/**
 * A provider adapter. `request.model` is already the upstream model name (the gateway has
 * stripped `provider/` or resolved the route).
 */
export interface Provider {
  readonly name: string;
  readonly type: ProviderType;
  readonly capabilities: ProviderCapabilities;
  complete(request: ChatCompletionRequest, call: ProviderCall): Promise<ChatCompletion>;
  /**
   * Resolves once the upstream accepted the request (status 2xx and headers received), so
   * errors before the first byte surface as ordinary errors. Iterating yields canonical chunks;
   * when the provider reports usage, the last chunk is a usage chunk with `choices: []`.
   * A mid-stream upstream failure is thrown from the iterator.
   */
  stream(request: ChatCompletionRequest, call: ProviderCall): Promise<AsyncIterable<ChatCompletionChunk>>;
  embed(request: EmbeddingsRequest, call: ProviderCall): Promise<EmbeddingsResponse>;
  /** Where native requests go, carrying `apiKey` (or the configured key) as the credential. */
  nativeTarget(apiKey?: string): NativeTarget;
}
