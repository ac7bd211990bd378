import { z } from 'zod';
import { boolean, integer } from '../config/config-primitives.js';

/** One name or a list of them; always a list once parsed. */
const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((value) => (Array.isArray(value) ? value : [value]));
const fraction = z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'expected a number').transform(Number)]).pipe(z.number().gt(0).max(1));

export const webhookSchema = z.strictObject({
  /** Where the JSON is POSTed. Treated as a secret (it often carries a token): never logged or returned. */
  url: z.url({ protocol: /^https?$/ }),
  /** Sent with every delivery, e.g. `authorization: Bearer ${ALERT_TOKEN}`; never logged or returned. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Time one attempt may take, connection to last byte. */
  timeout_ms: integer(1).default(5_000),
  /** Attempts per notification (1 = no retry); retried on timeouts, connection errors, 408, 429 and 5xx. */
  attempts: integer(1).pipe(z.number().max(10)).default(3),
  /** Wait before the first retry; it doubles for each further one. */
  backoff_ms: integer(0).default(1_000),
});

const common = {
  /** Webhook name(s) from `alerts.webhooks`. */
  webhook: names,
  /** The same rule and subject notify at most once within this time (also the repeat interval while it holds). */
  cooldown_ms: integer(0).default(600_000),
  /** Also notify when the condition clears (after a firing notification). */
  resolved: boolean.default(false),
};

/** Which requests a window rule counts; every filter given must match. */
const requestFilters = {
  /** Route name(s): the route the request asked for or was served through. */
  route: names.optional(),
  /** Model glob(s) (`openai/*`), matched against the requested and the served model. */
  model: names.optional(),
  /** Provider name(s) of the target that answered (or failed). */
  provider: names.optional(),
  /** Team name(s) or id(s) of the calling key. */
  team: names.optional(),
  /** One subject per value of this field (e.g. per provider); one subject for the rule otherwise. */
  group_by: z.enum(['route', 'model', 'provider', 'team']).optional(),
  /** Counted over this sliding window (kept in 20 ring buckets). */
  window_ms: integer(1_000).default(300_000),
  /** Fewer requests in the window than this: no decision either way. */
  min_requests: integer(1).default(20),
};

const errorRateRule = z.strictObject({
  type: z.literal('error_rate'),
  /** Share of counted requests that failed, 0–1. */
  threshold: fraction,
  /** A response status at or above this counts as an error (default 500: gateway and upstream failures). */
  error_status_min: integer(400).pipe(z.number().max(599)).default(500),
  ...requestFilters,
  ...common,
});

const latencyRule = z.strictObject({
  type: z.literal('latency_p95'),
  /** The 95th percentile, in ms, at or above which the rule fires. */
  threshold_ms: integer(1),
  /** `total`: arrival to end of response; `first_token`: arrival to first token (streams). */
  latency: z.enum(['total', 'first_token']).default('total'),
  ...requestFilters,
  ...common,
});

const budgetRule = z.strictObject({
  type: z.literal('budget'),
  /** Fraction of a budget (limits budgets of keys, teams, routes, the gateway); default limits.alert_threshold. */
  threshold: fraction.optional(),
  /** Budget scopes watched; default every kind, or those named by `team`/`route`. */
  scope: z.array(z.enum(['key', 'team', 'route', 'global'])).min(1).optional(),
  /** Only these teams' budgets (name or id). */
  team: names.optional(),
  /** Only these routes' budgets. */
  route: names.optional(),
  ...common,
});

const breakerRule = z.strictObject({
  type: z.literal('breaker_open'),
  /** Target glob(s) `provider/model`; any breaker when absent. */
  target: names.optional(),
  /** Only targets of these providers. */
  provider: names.optional(),
  /** Only targets held by these routes. */
  route: names.optional(),
  ...common,
});

export const alertRuleSchema = z.discriminatedUnion('type', [errorRateRule, latencyRule, budgetRule, breakerRule]);

const alertName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'alert rule and webhook names use letters, digits, ., - and _');

/** The top-level `alerts:` section. */
export const alertsConfigSchema = z
  .strictObject({
    /** Names this gateway in payloads; default `hostname:pid`. */
    instance_id: z.string().min(1).optional(),
    /** How often window rules are evaluated (a timer, never on a request). */
    evaluate_interval_ms: integer(50).default(10_000),
    /** With `redis:`, the prefix of the keys through which instances evaluate and notify once (leases, cooldowns, window counts). */
    redis_prefix: z.string().min(1).default('sluice:alerts:'),
    /** Rows of `alert_deliveries` older than this are pruned in the background; 0 keeps them forever. */
    delivery_retention_days: integer(0).default(30),
    /** How often the pruning runs. */
    delivery_prune_interval_ms: integer(1_000).default(3_600_000),
    webhooks: z.record(alertName, webhookSchema).default({}),
    rules: z.record(alertName, alertRuleSchema).default({}),
  })
  .prefault({});

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
export type WebhookConfig = z.infer<typeof webhookSchema>;
export type AlertRuleConfig = z.infer<typeof alertRuleSchema>;
export type ErrorRateRuleConfig = z.infer<typeof errorRateRule>;
export type LatencyRuleConfig = z.infer<typeof latencyRule>;
export type BudgetRuleConfig = z.infer<typeof budgetRule>;
export type BreakerRuleConfig = z.infer<typeof breakerRule>;
export type WindowRuleConfig = ErrorRateRuleConfig | LatencyRuleConfig;
