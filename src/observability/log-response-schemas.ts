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

export const requestLogPageResponse = z.object({
  data: z.array(requestLogResponse),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next, older page; null on the last'),
});

export const logExportResponse = z.string().describe('NDJSON (one record per line) or CSV with a header row, streamed');
