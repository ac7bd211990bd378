import { z } from 'zod';
import type { AlertDeliveryRecord } from './alert-delivery-record.js';

/** Alert deliveries as the admin API returns them (openapi.json). */
const alertPayloadResponse = z.object({
  id: z.string().describe('Unique per notification; the same in every retry and for every webhook of the rule'),
  fingerprint: z.string().describe('The same for every notification of one rule and subject'),
  status: z.enum(['firing', 'resolved']),
  rule: z.string(),
  type: z.enum(['error_rate', 'latency_p95', 'budget', 'breaker_open']),
  subject: z.string(),
  value: z.number(),
  threshold: z.number().nullable(),
  window_ms: z.number().int().nullable(),
  requests: z.number().int().nullable(),
  fired_at: z.string(),
  resolved_at: z.string().nullable(),
  instance: z.string(),
  summary: z.string(),
  details: z.record(z.string(), z.unknown()),
});

const attemptResponse = z.object({
  at: z.string(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable().describe('`http_<status>`, `timeout`, a socket error code such as `ECONNREFUSED`; null on success'),
  duration_ms: z.number(),
});

export const alertDeliveryResponse = z.object({
  id: z.string(),
  alert_id: z.string().describe('The payload `id`'),
  rule: z.string(),
  webhook: z.string().describe('The webhook\'s name in the config (its URL and headers are never stored)'),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  status_code: z.number().int().nullable().describe('The last attempt\'s HTTP status'),
  error: z.string().nullable().describe('The last attempt\'s error'),
  payload: alertPayloadResponse,
  attempt_log: z.array(attemptResponse),
  created_at: z.string(),
  updated_at: z.string(),
  delivered_at: z.string().nullable(),
  failed_at: z.string().nullable(),
});

export const alertDeliveryPageResponse = z.object({
  data: z.array(alertDeliveryResponse),
  next_cursor: z.string().nullable().describe('Pass as `cursor` for the next, older page; null on the last'),
});

// Compile-time drift check (as in src/admin/response-schemas.ts): the schema and the record must be mutually assignable.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const drift: Same<z.infer<typeof alertDeliveryResponse>, AlertDeliveryRecord> = true;
void drift;
