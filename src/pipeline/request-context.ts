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
import type { RequestCost } from '../usage/price-table.js';
import type { AttemptRecord } from '../routing/attempt-record.js';
import type { RoutePlan } from '../routing/plan-route.js';
import type { GuardrailState } from '../guardrails/guardrail-policy.js';

/** `messages` is Anthropic's Messages API in and out, served by the chat stages (src/messages-api/). */
export type Endpoint = 'chat' | 'messages' | 'count_tokens' | 'embeddings' | 'models' | 'native' | 'feedback';

/** The answer a pipeline produced; the respond stage writes it in the client's format. */
export type PipelineResult =
  | { kind: 'chat'; completion: ChatCompletion }
  | { kind: 'chat-stream'; chunks: AsyncIterable<ChatCompletionChunk> }
  | { kind: 'embeddings'; embeddings: EmbeddingsResponse }
  /** An answer that is already in the client's format (e.g. Anthropic's count_tokens). */
  | { kind: 'json'; body: unknown };

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
  /**
   * What the upstream call listens to when it is not `abort`: a single-flight leader's call
   * serves other clients too, so it ends only when all of them are gone (src/cache/shared-flight.ts).
   */
  upstreamAbort?: Cancellation;
  /** The gateway key and its team; absent when `auth.required` is false. */
  principal?: AuthenticatedKey;
  /** The caller's own provider key (BYOK): `Authorization` when the gateway key came in `x-sluice-key`. */
  callerProviderKey?: string;
  /** Raw request body, once read. */
  body?: Buffer;
  chatRequest?: ChatCompletionRequest;
  embeddingsRequest?: EmbeddingsRequest;
  /** The target being called, or the one that answered (the route executor moves it along). */
  target?: ResolvedTarget;
  /** The route's targets in the order they will be tried (set by the resolve-target stage). */
  routePlan?: RoutePlan;
  /** Every upstream attempt (target, status, latency, error), for the log. */
  readonly attempts: AttemptRecord[];
  /** Parameters a provider could not take, and other notes for the client and the log. */
  readonly warnings: string[];
  /** Extra response headers set by stages. */
  readonly responseHeaders: Record<string, string>;
  result?: PipelineResult;
  /** Guardrail policies in force and their verdicts (for the header and the request log). */
  guardrails?: GuardrailState;
  /** Token usage reported by the provider, once known (for a stream: at its end). */
  usage?: Usage;
  /** True when the provider reported no usage and `usage` was estimated with a tokenizer. */
  usageEstimated?: boolean;
  /** Whether the response cache answered (HIT), was asked and missed (MISS), or was skipped (BYPASS); unset when off. */
  cacheStatus?: 'HIT' | 'MISS' | 'BYPASS';
  /** On a cache hit: what the original call cost (USD), saved by this one; null when unknown. */
  costSaved?: number | null;
  /** The request's cost once settled (usage phase); null when its price is unknown. */
  cost?: RequestCost | null;
  /** USD of calls made on this request's behalf besides its answer (the semantic cache's embedding): budget spend too. */
  sideCostUsd?: number;
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
