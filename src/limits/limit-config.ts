import { z } from 'zod';
import { boolean, integer } from '../config/config-primitives.js';

const count = integer(1);
const usd = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'expected a number').transform(Number)]).pipe(z.number().positive());

/**
 * The limits of one scope, with the same fields as a key's or team's `limits` in the store
 * (LimitSettings), so routes and the whole gateway are limited the same way keys and teams are.
 */
export const scopeLimitsSchema = z.strictObject({
  /** Requests per minute / per day, sliding windows. */
  rpm: count.optional(),
  rpd: count.optional(),
  /** Tokens (prompt + completion) per minute / per day, sliding windows. */
  tpm: count.optional(),
  tpd: count.optional(),
  /** Requests in flight at once. */
  max_parallel: count.optional(),
  /** Spend allowed per calendar period (UTC); requests are refused once it is reached. */
  budget_usd: usd.optional(),
  budget_period: z.enum(['day', 'week', 'month']).optional(),
});

/** The top-level `limits:` section: the gateway-wide scope plus how limits are enforced. */
export const limitsConfigSchema = scopeLimitsSchema
  .extend({
    /** Fraction of a budget at which a soft alert event fires (once per scope and period). */
    alert_threshold: z.number().gt(0).max(1).default(0.8),
    /** With `redis:`, what happens while Redis is unreachable: allow requests, or refuse them (503). */
    on_redis_error: z.enum(['fail_open', 'fail_closed']).default('fail_open'),
    /** Time a Redis limit check may take before it counts as a failure. */
    redis_timeout_ms: count.default(250),
    /** Prefix of every Redis key of the limits (several gateways may share one Redis). */
    redis_prefix: z.string().min(1).default('sluice:limits:'),
    /**
     * Honour `x-sluice-custom-cost` (a cost given by the caller). It is counted against budgets,
     * so turn it off where callers are not trusted to state their own cost.
     */
    custom_cost_header: boolean.default(true),
  })
  .prefault({});

export type ScopeLimitsConfig = z.infer<typeof scopeLimitsSchema>;
export type LimitsConfig = z.infer<typeof limitsConfigSchema>;
