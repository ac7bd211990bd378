import { z } from 'zod';

/**
 * `request_log:` in the config. Bodies are off by default: prompts are often the most sensitive
 * data a gateway sees, so storing them is an explicit operator choice.
 */
export const requestLogConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    bodies: z.enum(['off', 'redacted', 'full']).default('off'),
    /** Records held in memory while the store is slow or down; beyond it records are dropped and counted. */
    queue_size: z.number().int().min(1).default(50_000),
    batch_size: z.number().int().min(1).default(1_000),
    flush_interval_ms: z.number().int().min(1).default(1_000),
    /** Records older than this are pruned in the background; 0 keeps them forever. */
    retention_days: z.number().int().min(0).default(30),
    /** The newest this many records are kept; 0 means no row limit. */
    max_rows: z.number().int().min(0).default(0),
    prune_interval_ms: z.number().int().min(1_000).default(600_000),
  })
  .prefault({});

export type RequestLogConfig = z.infer<typeof requestLogConfigSchema>;

/** `metrics:` in the config: what `/metrics` exposes. */
export const metricsConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** A `key` label on request counters; off by default to keep the series count bounded. */
    key_labels: z.boolean().default(false),
    /**
     * A bearer token scrapers must send (`authorization: { credentials: … }` in Prometheus);
     * setting it turns auth on. Empty (an unset `${VAR:-}`) means none.
     */
    token: z.string().optional(),
    /** Refuses unauthenticated scrapes even without `token`: the admin token is then the credential. */
    require_auth: z.boolean().default(false),
  })
  .prefault({});
