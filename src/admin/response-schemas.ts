import { z } from 'zod';
import type { AuditRecord, LimitSettings, TeamRecord } from '../store/store-records.js';
import type { CredentialView, KeyView } from '../tenancy/tenancy-views.js';

/**
 * Hand-written schemas of what the admin API answers, for openapi.json. They are checked at
 * compile time against the record and view types (see `Same` below), so the description breaks
 * the build instead of silently drifting when a record gains or loses a field.
 */
const timestamp = z.string().describe('ISO-8601 timestamp, UTC');
const nullableCount = z.number().int().nullable();

export const errorResponse = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    code: z.string().nullable(),
    param: z.string().nullable().describe('The offending field, e.g. `limits.rpm`'),
  }),
});

export const limitsResponse = z.object({
  rpm: nullableCount,
  rpd: nullableCount,
  tpm: nullableCount,
  tpd: nullableCount,
  max_parallel: nullableCount,
  budget_usd: z.number().nullable(),
  budget_period: z.enum(['day', 'week', 'month']).nullable(),
});

export const teamResponse = z.object({
  id: z.string(),
  name: z.string(),
  allowed_models: z.array(z.string()).nullable().describe('Model globs or route names; null allows everything'),
  limits: limitsResponse,
  metadata: z.record(z.string(), z.string()),
  created_at: timestamp,
  updated_at: timestamp,
});

export const keyResponse = z.object({
  id: z.string(),
  name: z.string(),
  team_id: z.string(),
  secret_prefix: z.string().describe('The first characters of the secret, to recognise the key; never the secret'),
  previous_secret_expires_at: timestamp.nullable().describe('After a rotation with grace: when the old secret stops working'),
  allowed_models: z.array(z.string()).nullable(),
  expires_at: timestamp.nullable(),
  disabled: z.boolean(),
  metadata: z.record(z.string(), z.string()),
  limits: limitsResponse,
  status: z.enum(['active', 'disabled', 'expired']),
  created_at: timestamp,
  updated_at: timestamp,
});

export const keyWithSecretResponse = z.object({
  key: keyResponse,
  secret: z.string().describe('The key secret (`sk-sluice-…`). Shown in this response only: store it now.'),
});

export const credentialResponse = z.object({
  id: z.string(),
  provider: z.string(),
  name: z.string(),
  weight: z.number(),
  created_at: timestamp,
});

export const auditEntryResponse = z.object({
  id: z.number().int(),
  at: timestamp,
  actor: z.string().describe('`admin-token` for changes made through this API'),
  action: z.string().describe('e.g. `team.create`, `key.rotate`, `credential.delete`'),
  target_type: z.string(),
  target_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditPageResponse = z.object({
  data: z.array(auditEntryResponse).describe('Newest first'),
  has_more: z.boolean(),
  next_before: z.number().int().nullable().describe('Pass as `before` to get the next (older) page; null on the last page'),
});

export const deletedResponse = z.object({ id: z.string(), deleted: z.literal(true) });

export const healthResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  store: z.object({
    status: z.enum(['ok', 'error']),
    kind: z.string(),
    latency_ms: z.number(),
    error: z.string().optional(),
  }),
  providers: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      base_url: z.string().nullable().describe('Null when the vendor default is used'),
      config_key: z.boolean().describe('Whether the config gives an api_key'),
      stored_credentials: z.number().int(),
    }),
  ),
  breakers: z
    .object({
      store: z.enum(['memory', 'redis']).describe('Where breaker state lives: this instance, or shared through Redis'),
      targets: z.array(
        z.object({
          target: z.string().describe('provider/model'),
          routes: z.array(z.string()),
          state: z.enum(['closed', 'open', 'half_open']),
          consecutive_failures: z.number().int(),
          window_requests: z.number().describe('Requests over the breaker window (sliding estimate)'),
          error_rate: z.number().describe('Failure share over the breaker window'),
          until: z.string().nullable().describe('open: when a probe may go; half_open: when the probe lease ends'),
          latency_ms: z.number().nullable().describe("This instance's recent average latency"),
        }),
      ),
    })
    .describe('Circuit breakers of the routes\' targets; `status` is degraded while one is open'),
});

export const routeResponse = z.object({
  name: z.string(),
  strategy: z.string(),
  targets: z.array(
    z.object({
      model: z.string(),
      weight: z.number().optional(),
      percent: z.number().optional(),
      params: z.record(z.string(), z.unknown()).optional(),
      when: z.record(z.string(), z.unknown()).optional(),
      context_window: z.number().optional(),
    }),
  ),
  retry: z.record(z.string(), z.unknown()).optional(),
  breaker: z.union([z.literal(false), z.record(z.string(), z.unknown())]).optional(),
  fallback_on_context_window: z.boolean().optional(),
  fallback_on_content_filter: z.boolean().optional(),
  timeout_ms: z.number().optional(),
  stream_idle_timeout_ms: z.number().optional(),
  cache: z.record(z.string(), z.unknown()).optional(),
  guardrails: z.array(z.string()).optional(),
  limits: z.record(z.string(), z.unknown()).optional().describe('Limits shared by every caller of the route (rpm, tpm, max_parallel, budget_usd, …)'),
});

/** `{ "data": [...] }`, the shape of every list but the audit log's. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item) });
}

export const openApiResponse = z.record(z.string(), z.unknown()).describe('This document');

// Compile-time drift checks: each pair must be mutually assignable.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const drift: [
  Same<z.infer<typeof limitsResponse>, LimitSettings>,
  Same<z.infer<typeof teamResponse>, TeamRecord>,
  Same<z.infer<typeof keyResponse>, KeyView>,
  Same<z.infer<typeof credentialResponse>, CredentialView>,
  Same<z.infer<typeof auditEntryResponse>, AuditRecord>,
] = [true, true, true, true, true];
void drift;
