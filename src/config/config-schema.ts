import { z } from 'zod';
import { boolean, integer } from './config-primitives.js';
import { metricsConfigSchema, requestLogConfigSchema } from '../observability/request-log-config.js';
import { stickyFieldSchema, whenSchema } from '../routing/condition-schema.js';
import { limitsConfigSchema, scopeLimitsSchema } from '../limits/limit-config.js';
import { guardrailPolicySchema } from '../guardrails/guardrail-config-schema.js';
import { cacheConfigSchema } from '../cache/cache-config.js';
import { semanticRouteConfigSchema } from '../cache/semantic/semantic-config.js';
import { tracingConfigSchema } from '../tracing/tracing-config.js';
import { alertsConfigSchema } from '../alerts/alert-config.js';

export const providerTypes = ['openai', 'anthropic', 'gemini', 'azure-openai'] as const;

export const providerConfigSchema = z.strictObject({
  type: z.enum(providerTypes),
  /** Empty means "none": local OpenAI-compatible servers usually need no key. */
  api_key: z.string().optional(),
  /** What the vendor's official SDK calls its base URL; defaults to the vendor's. */
  base_url: z.url({ protocol: /^https?$/ }).optional(),
  /** Extra headers sent upstream on every request (e.g. OpenAI-Organization). */
  headers: z.record(z.string(), z.string()).optional(),
  /** Azure OpenAI's `api-version` query parameter. */
  api_version: z.string().optional(),
  /** Anthropic requires max_tokens; this is sent when the client gives none. */
  default_max_tokens: integer(1).optional(),
  /** Anthropic's `anthropic-version` header. */
  anthropic_version: z.string().optional(),
  /** Models listed by GET /v1/models for this provider (wildcards are not listed). */
  models: z.array(z.string()).optional(),
  /** Time to the upstream's response headers, in ms. */
  timeout_ms: integer(1).optional(),
  /** Ask OpenAI-compatible upstreams for `stream_options.include_usage` (default true). */
  stream_usage: boolean.optional(),
  /** Let callers use their own key for this provider (BYOK): `Authorization` with the gateway key in `x-sluice-key`. */
  byok: boolean.optional(),
});

const targetSchema = z.strictObject({
  /** `provider/model`, or the name of another route (nesting). */
  model: z.string().min(1),
  /** loadbalance: relative share of first picks (default 1; 0 = only as a fallback). */
  weight: z.number().min(0).optional(),
  /** split: percent of traffic sent here first; a split route's targets add up to 100. */
  percent: z.number().min(0).max(100).optional(),
  /** Parameters merged into the request for this target (e.g. max_tokens). */
  params: z.record(z.string(), z.unknown()).optional(),
  /** conditional: chosen when every condition holds; the target without `when` is the default. */
  when: whenSchema.optional(),
  /** Tokens the model accepts: a context-window error moves on to a target with a larger one. */
  context_window: integer(1).optional(),
});

const retryOn = z.union([z.number().int().min(400).max(599), z.literal('timeout'), z.literal('connection')]);

export const retrySchema = z.strictObject({
  /** Attempts per target (1 = no retry); `x-sluice-max-attempts` overrides it per request. */
  attempts: integer(1).pipe(z.number().max(10)).default(1),
  backoff: z.enum(['constant', 'linear', 'exponential']).default('exponential'),
  base_ms: integer(0).default(200),
  /** Longest wait between two attempts, jitter included. */
  max_ms: integer(0).default(10_000),
  /** Each wait is spread by ± this fraction, so clients that failed together retry apart. */
  jitter: z.number().min(0).max(1).default(0.2),
  /** A `retry-after` longer than this moves on to the next target instead of waiting. */
  max_retry_after_ms: integer(0).default(30_000),
  on: z.array(retryOn).default([429, 500, 502, 503, 504, 'timeout', 'connection']),
});

export const breakerSchema = z.strictObject({
  /** Consecutive failures (429, 5xx, timeout, connection) that open the breaker. */
  failures: integer(1).default(5),
  /** Failure share over `window_ms` that opens it (0 = off), once `min_requests` were seen. */
  error_rate: z.number().min(0).max(1).default(0.5),
  window_ms: integer(1000).default(60_000),
  min_requests: integer(1).default(20),
  /** Time an open breaker skips its target before one probe request is let through. */
  cooldown_ms: integer(1).default(30_000),
});

const routeSchema = z.strictObject({
  strategy: z.enum(['fallback', 'loadbalance', 'latency', 'cost', 'conditional', 'split']).default('fallback'),
  targets: z.array(targetSchema).min(1),
  retry: retrySchema.optional(),
  /** Circuit breakers of this route's targets; on with the defaults unless `false`. */
  breaker: z.union([z.literal(false), breakerSchema]).optional(),
  /** latency: EWMA smoothing of observed latencies, and the share of requests that explore. */
  latency: z.strictObject({ smoothing: z.number().gt(0).max(1).default(0.3), exploration: z.number().min(0).max(1).default(0.1) }).optional(),
  /** split: the fact that keeps a caller on one side (hashed); random per request when unset. */
  sticky: stickyFieldSchema.optional(),
  /** On a context-window error, move on to a target with a larger `context_window`. */
  fallback_on_context_window: boolean.default(true),
  /** On a content-policy refusal (error or `finish_reason: content_filter`), move on. */
  fallback_on_content_filter: boolean.default(false),
  timeout_ms: integer(1).optional(),
  /** A stream silent for longer than this is cut with an error event (default: server's). */
  stream_idle_timeout_ms: integer(1).optional(),
  cache: z.strictObject({ ttl: integer(0), max_bytes_per_entry: integer(1).optional(), semantic: semanticRouteConfigSchema.optional() }).optional(),
  guardrails: z.array(z.string()).optional(),
  /** Let callers use their own provider key on this route (BYOK), see providers.*.byok. */
  byok: boolean.optional(),
  /** Limits shared by every caller of this route (rpm, tpm, max_parallel, budget_usd, …). */
  limits: scopeLimitsSchema.optional(),
});

const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  cached_input: z.number().min(0).optional(),
  cache_write: z.number().min(0).optional(),
});

const storageSchema = z
  .string()
  .refine((value) => value === 'memory' || value.startsWith('sqlite:') || /^postgres(ql)?:\/\//.test(value), {
    message: 'expected "memory", "sqlite:PATH" or "postgres://..."',
  });

export const gatewayConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: integer(0).pipe(z.number().max(65535)).default(8787),
      max_body_bytes: integer(1).default(10 * 1024 * 1024),
      /** Default time to first byte from an upstream, in ms. */
      request_timeout_ms: integer(1).default(600_000),
      /** A stream silent for longer than this is cut with an error event. */
      stream_idle_timeout_ms: integer(1).default(300_000),
    })
    .prefault({}),
  storage: storageSchema.default('sqlite:./.sluice/sluice.db'),
  redis: z.string().regex(/^rediss?:\/\//, 'expected a redis:// or rediss:// URL').optional(),
  admin: z.strictObject({ token: z.string().optional() }).prefault({}),
  auth: z
    .strictObject({
      required: boolean.default(true),
      /** How long a key look-up is reused; a revocation reaches other instances within it. */
      key_cache_ttl_ms: integer(0).default(5_000),
      /** Failed authentications allowed per client address and minute before 429. */
      failed_attempts_per_minute: integer(1).default(30),
    })
    .prefault({}),
  providers: z.record(z.string().regex(/^[a-zA-Z0-9_-]+$/, 'provider names use letters, digits, - and _'), providerConfigSchema).default({}),
  routes: z.record(z.string().min(1), routeSchema).default({}),
  /** Named guardrail policies (src/guardrails/guardrail-config-schema.ts); names are listed in metadata, so no commas. */
  guardrails: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'guardrail names use letters, digits, ., - and _'), guardrailPolicySchema).default({}),
  pricing: z.record(z.string(), priceSchema).default({}),
  /** Gateway-wide limits and how limits are enforced (src/limits/limit-config.ts). */
  limits: limitsConfigSchema,
  /** Response cache backend, sharing scope and size (src/cache/cache-config.ts); per-route TTLs are in routes.*.cache. */
  cache: cacheConfigSchema,
  logging: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({}),
  /** The per-request log (src/observability/request-log-config.ts). */
  request_log: requestLogConfigSchema,
  /** `/metrics` (src/observability/request-log-config.ts). */
  metrics: metricsConfigSchema,
  /** OpenTelemetry spans over OTLP/HTTP (src/tracing/tracing-config.ts); off by default. */
  tracing: tracingConfigSchema,
  /** Alert rules delivered as webhooks (src/alerts/alert-config.ts). */
  alerts: alertsConfigSchema,
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type RouteTarget = z.infer<typeof targetSchema>;
export type RetryConfig = z.infer<typeof retrySchema>;
export type BreakerConfig = z.infer<typeof breakerSchema>;
