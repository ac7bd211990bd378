import { z } from 'zod';
import { boolean, integer } from '../config/config-primitives.js';

/** A fraction in [0, 1]; a string too, since `${VAR}` interpolation always yields text. */
const ratio = z
  .union([z.number(), z.string().regex(/^(\d+(\.\d*)?|\.\d+)$/, 'expected a number between 0 and 1').transform(Number)])
  .pipe(z.number().min(0).max(1));

/**
 * `tracing:` in the config: OpenTelemetry spans exported over OTLP/HTTP. Off by default, and
 * then not one OpenTelemetry module is loaded (src/tracing/start-tracing.ts).
 */
export const tracingConfigSchema = z
  .strictObject({
    enabled: boolean.default(false),
    /** The collector's OTLP/HTTP traces URL; a bare origin gets the standard `/v1/traces` path. */
    endpoint: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:4318/v1/traces'),
    /** Sent with every export (e.g. a vendor's API key header); values may use `${VAR}`. */
    headers: z.record(z.string(), z.string()).default({}),
    service_name: z.string().min(1).default('sluice'),
    /**
     * Share of new traces recorded. A request that arrives with a `traceparent` follows the
     * caller's sampling decision instead (parent-based sampling).
     */
    sample_ratio: ratio.default(1),
    /** Ended spans held for export; beyond it spans are dropped (never the request). */
    max_queue_size: integer(1).default(2048),
    max_batch_size: integer(1).default(512),
    /** Longest wait before a partial batch is exported. */
    batch_delay_ms: integer(1).default(5000),
    /** Time one export may take before it is abandoned; also bounds the flush at shutdown. */
    export_timeout_ms: integer(1).default(10_000),
  })
  .refine((tracing) => tracing.max_batch_size <= tracing.max_queue_size, {
    message: 'must not exceed max_queue_size',
    path: ['max_batch_size'],
  })
  .prefault({});

export type TracingConfig = z.infer<typeof tracingConfigSchema>;

/**
 * The URL spans are posted to. Collectors and vendors usually publish an origin
 * (`https://otlp.example.com`); OTLP/HTTP puts traces under `/v1/traces` of it.
 */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.toString();
}
