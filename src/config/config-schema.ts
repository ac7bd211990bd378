import { z } from 'zod';

/** Integers may arrive as strings after `${VAR}` interpolation. */
const integer = (min: number) =>
  z.union([z.number(), z.string().regex(/^\d+$/, 'expected an integer').transform(Number)]).pipe(z.number().int().min(min));
const boolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

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
  model: z.string().min(1),
  weight: z.number().min(0).optional(),
  /** Parameters merged into the request for this target (e.g. max_tokens). */
  params: z.record(z.string(), z.unknown()).optional(),
});

const retryOn = z.union([z.number().int().min(400).max(599), z.literal('timeout'), z.literal('connection')]);

const routeSchema = z.strictObject({
  strategy: z.enum(['fallback', 'loadbalance', 'latency', 'cost', 'conditional']).default('fallback'),
  targets: z.array(targetSchema).min(1),
  retry: z
    .strictObject({
      attempts: integer(1).default(1),
      backoff: z.enum(['constant', 'linear', 'exponential']).default('exponential'),
      base_ms: integer(0).default(200),
      on: z.array(retryOn).default([429, 500, 502, 503, 504, 'timeout']),
    })
    .optional(),
  timeout_ms: integer(1).optional(),
  cache: z.strictObject({ ttl: integer(0), max_bytes_per_entry: integer(1).optional() }).optional(),
  guardrails: z.array(z.string()).optional(),
  /** Let callers use their own provider key on this route (BYOK), see providers.*.byok. */
  byok: boolean.optional(),
});

const guardrailSchema = z.looseObject({
  type: z.enum(['pii', 'prompt_injection', 'secrets', 'regex', 'moderation', 'webhook']),
  action: z.enum(['block', 'redact', 'warn', 'log']).optional(),
  apply_to: z.array(z.enum(['request', 'response'])).optional(),
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
  guardrails: z.record(z.string(), guardrailSchema).default({}),
  pricing: z.record(z.string(), priceSchema).default({}),
  logging: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({}),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type RouteConfig = z.infer<typeof routeSchema>;
export type RouteTarget = z.infer<typeof targetSchema>;
