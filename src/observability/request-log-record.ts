import type { AttemptRecord } from '../routing/attempt-record.js';
import type { GuardrailVerdict } from '../guardrails/guardrail-policy.js';

/** One data-plane request as the request log stores it (snake_case: the columns and the API share it). */
export interface RequestLogRecord {
  /** The request id (`x-sluice-request-id`). */
  id: string;
  /** ISO-8601 UTC arrival time. */
  at: string;
  key_id: string | null;
  team_id: string | null;
  route: string | null;
  provider: string | null;
  model_requested: string | null;
  model_served: string | null;
  endpoint: string;
  status: number;
  error_code: string | null;
  latency_ms: number;
  first_token_ms: number | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  cached_tokens: number | null;
  reasoning_tokens: number | null;
  usage_estimated: boolean | null;
  cost_usd: number | null;
  /** HIT | MISS | BYPASS once the response cache sets `x-sluice-cache-status`; null before. */
  cache_status: string | null;
  attempts: AttemptRecord[];
  guardrails: GuardrailVerdict[];
  /** From `x-sluice-metadata`; a malformed header is stored as {} (the request itself got a 400). */
  metadata: Record<string, unknown>;
  client_ip: string | null;
  user_agent: string | null;
  trace_id: string | null;
  request_body: string | null;
  response_body: string | null;
  /** On a cache hit: what the answer cost when it was bought (USD), saved by this request; null otherwise or when unknown. */
  cost_saved_usd: number | null;
}

/** Column order of the request_logs table, shared by inserts and both dialects. */
export const requestLogColumns = [
  'id', 'at', 'key_id', 'team_id', 'route', 'provider', 'model_requested', 'model_served', 'endpoint', 'status',
  'error_code', 'latency_ms', 'first_token_ms', 'prompt_tokens', 'completion_tokens', 'cached_tokens', 'reasoning_tokens',
  'usage_estimated', 'cost_usd', 'cache_status', 'attempts', 'guardrails', 'metadata', 'client_ip', 'user_agent',
  'trace_id', 'request_body', 'response_body', 'cost_saved_usd',
] as const satisfies ReadonlyArray<keyof RequestLogRecord>;

export const jsonColumns = new Set<string>(['attempts', 'guardrails', 'metadata']);

/** Filters of the logs query API; every field is optional and they combine with AND. */
export interface RequestLogQuery {
  from?: string;
  to?: string;
  keyId?: string;
  teamId?: string;
  route?: string;
  provider?: string;
  /** Matches the requested or the served model. */
  model?: string;
  status?: number;
  cacheStatus?: string;
  metadataKey?: string;
  metadataValue?: string;
  minLatencyMs?: number;
  minCostUsd?: number;
  /** Substring of the stored request or response body. */
  text?: string;
  /** Only requests with (true) or without (false) feedback. */
  hasFeedback?: boolean;
  /** Only requests whose feedback score is at least this. */
  minScore?: number;
  /** Opaque cursor from the previous page's `next_cursor`. */
  cursor?: string;
  limit: number;
}

export interface RequestLogPage {
  records: RequestLogRecord[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** Pruning by age, by row count, or both; returns how many rows went. */
export interface RequestLogPruning {
  /** ISO time: rows older than it go. */
  before?: string;
  /** The newest this many rows stay. */
  keepRows?: number;
}
