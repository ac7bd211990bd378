import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Cancellation } from '../http/cancellation.js';
import type { AuthenticatedKey } from '../tenancy/key-verifier.js';
import type { Gateway } from '../gateway/gateway.js';
import type { ErrorDialect } from '../errors/render-error.js';
import type { ResolvedTarget } from '../gateway/resolve-model.js';
import type { ChatCompletionRequest } from '../schema/chat-completion-request.js';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../schema/chat-completion-response.js';
import type { EmbeddingsRequest, EmbeddingsResponse } from '../schema/embeddings.js';

export type Endpoint = 'chat' | 'embeddings' | 'models' | 'native';

/** The answer a pipeline produced; the respond stage writes it in the client's format. */
export type PipelineResult =
  | { kind: 'chat'; completion: ChatCompletion }
  | { kind: 'chat-stream'; chunks: AsyncIterable<ChatCompletionChunk> }
  | { kind: 'embeddings'; embeddings: EmbeddingsResponse };

/** Everything one request carries through the stages. */
export interface RequestContext {
  readonly gateway: Gateway;
  readonly requestId: string;
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly endpoint: Endpoint;
  readonly dialect: ErrorDialect;
  readonly logger: Logger;
  /** Aborted when the client goes away: cancels the upstream call. */
  readonly abort: Cancellation;
  /** The gateway key and its team; absent when `auth.required` is false. */
  principal?: AuthenticatedKey;
  /** The caller's own provider key (BYOK): `Authorization` when the gateway key came in `x-sluice-key`. */
  callerProviderKey?: string;
  /** Raw request body, once read. */
  body?: Buffer;
  chatRequest?: ChatCompletionRequest;
  embeddingsRequest?: EmbeddingsRequest;
  target?: ResolvedTarget;
  /** Parameters a provider could not take, and other notes for the client and the log. */
  readonly warnings: string[];
  /** Extra response headers set by stages. */
  readonly responseHeaders: Record<string, string>;
  result?: PipelineResult;
  /** Token usage reported by the provider, once known (for a stream: at its end). */
  usage?: Usage;
  /**
   * Called once the response is complete (JSON written, stream ended, or failed), with the
   * error if any: where usage, limits and logs settle what a stream's usage was.
   */
  readonly finishers: Array<(error: unknown) => void | Promise<void>>;
  timing: {
    /** ms from arrival until the upstream's response headers. */
    upstreamHeadersMs?: number;
    /** ms from arrival until the first byte written to the client. */
    firstByteMs?: number;
  };
}
