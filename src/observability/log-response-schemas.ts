import { z } from 'zod';

/** The request log record as the admin API returns it (openapi.json). */
export const requestLogResponse = z.object({
  id: z.string(),
  at: z.string(),
  key_id: z.string().nullable(),
  team_id: z.string().nullable(),
  route: z.string().nullable(),
  provider: z.string().nullable(),
  model_requested: z.string().nullable(),
  model_served: z.string().nullable(),
  endpoint: z.string(),
  status: z.number().int(),
  error_code: z.string().nullable(),
  latency_ms: z.number(),
  first_token_ms: z.number().nullable(),
  prompt_tokens: z.number().int().nullable(),
  completion_tokens: z.number().int().nullable(),
  cached_tokens: z.number().int().nullable(),
  reasoning_tokens: z.number().int().nullable(),
  usage_estimated: z.boolean().nullable(),
  cost_usd: z.number().nullable(),
  cache_status: z.string().nullable(),
  attempts: z.array(z.record(z.string(), z.unknown())),
  guardrails: z.array(z.record(z.string(), z.unknown())),
  metadata: z.record(z.string(), z.unknown()),
  client_ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  trace_id: z.string().nullable(),
  request_body: z.string().nullable(),
  response_body: z.string().nullable(),
  cost_saved_usd: z.number().nullable().describe('On a cache hit: what the answer cost when first bought (USD)'),
});

/** Feedback on a request (POST /v1/feedback), as stored. */
export const requestFeedbackResponse = z.object({
  request_id: z.string(),
  key_id: z.string().nullable().describe('The key that gave it (the one that made the request); null with auth off'),
  team_id: z.string().nullable(),
  score: z.number().describe('-1 or 1, or a grade in [0, 1]'),
  comment: z.string().nullable(),
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  at: z.string(),
});

/** One record by id: the record and the latest feedback on it. */
export const requestLogDetailResponse = requestLogResponse.extend({
  feedback: requestFeedbackResponse.nullable().describe('The latest feedback on this request; null without any'),
});

export const requestLogPageResponse = z.object({
  data: z.array(requestLogResponse),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next, older page; null on the last'),
});

export const logExportResponse = z.string().describe('NDJSON (one record per line) or CSV with a header row, streamed');
