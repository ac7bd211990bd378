import { GatewayError, ProviderResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors/gateway-errors.js';
import { parseRetryAfterMs, type RetryPolicy } from './retry-policy.js';

/** What routing needs to know about a failed attempt. */
export interface Failure {
  kind: 'timeout' | 'connection' | 'status' | 'gateway';
  /** The upstream's HTTP status; null when no answer came (timeout, connection). */
  status: number | null;
  /** For the attempt record: the provider's code, or the gateway's. */
  code: string;
  /** Another attempt at the same target may succeed (the route's `retry.on`). */
  retryable: boolean;
  /** Counts against the target's health (circuit breaker): the target, not the request, failed. */
  unhealthy: boolean;
  /** The prompt did not fit the model: a target with a larger context may take it. */
  contextWindow: boolean;
  /** The provider refused on content policy. */
  contentFilter: boolean;
  retryAfterMs?: number;
}

/**
 * How each vendor says "the prompt does not fit": OpenAI (and Azure, Groq, DeepSeek)
 * `context_length_exceeded`; OpenAI-compatible servers (vLLM) "maximum context length";
 * Anthropic "prompt is too long" and "input length and `max_tokens` exceed context limit";
 * Gemini "The input token count (N) exceeds the maximum number of tokens allowed"; Mistral
 * "too large for model with N maximum context length".
 */
const contextWindowCodes = new Set(['context_length_exceeded', 'string_above_max_length']);
const contextWindowMessage =
  /maximum context length|context[_ ]length[_ ]exceeded|prompt is too long|exceeds? (the )?context (limit|window)|input token count.*exceeds the maximum|exceeds the maximum number of tokens|reduce the length of the messages/i;

/**
 * Content-policy refusals: Azure `content_filter` (inner code ResponsibleAIPolicyViolation),
 * OpenAI `content_policy_violation` / "rejected as a result of our safety system".
 */
const contentFilterCodes = new Set(['content_filter', 'content_policy_violation', 'responsibleaipolicyviolation']);
const contentFilterMessage = /content[ _]?(management )?polic|content[ _]filter|safety system|responsibleaipolicyviolation/i;

/** Undefined when the error is not an upstream failure at all (a bug, a cancelled request). */
export function classifyFailure(error: unknown, policy: RetryPolicy, nowMs: number): Failure | undefined {
  if (error instanceof UpstreamTimeoutError) return transport('timeout', error.code ?? 'upstream_timeout', policy);
  if (error instanceof UpstreamUnavailableError) return transport('connection', error.code ?? 'upstream_unavailable', policy);
  if (error instanceof ProviderResponseError) {
    const status = error.upstreamStatus;
    const code = error.code ?? `http_${status}`;
    const clientError = status >= 400 && status < 500 && status !== 408 && status !== 429;
    const text = `${error.message} ${error.upstreamBody}`;
    const contextWindow = clientError && (contextWindowCodes.has(code) || contextWindowMessage.test(error.message));
    const contentFilter = clientError && !contextWindow && (contentFilterCodes.has(code.toLowerCase()) || contentFilterMessage.test(text));
    return {
      kind: 'status',
      status,
      code,
      retryable: policy.on.has(status),
      unhealthy: !clientError,
      contextWindow,
      contentFilter,
      retryAfterMs: parseRetryAfterMs(error.headers['retry-after'], nowMs),
    };
  }
  if (error instanceof GatewayError) {
    // Refused by the gateway or the adapter before anything was sent (unsupported operation,
    // bad parameter): the same request fails the same way again.
    return { kind: 'gateway', status: error.status, code: error.code ?? error.type, retryable: false, unhealthy: false, contextWindow: false, contentFilter: false };
  }
  return undefined;
}

function transport(kind: 'timeout' | 'connection', code: string, policy: RetryPolicy): Failure {
  return { kind, status: null, code, retryable: policy.on.has(kind), unhealthy: true, contextWindow: false, contentFilter: false };
}
