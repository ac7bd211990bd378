import { z } from 'zod';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import { formatPath } from '../config/load-config.js';

/** Inputs of the admin API and the CLI, validated the same way for both. */
const positiveInteger = z.number().int().min(1);
const name = z.string().trim().min(1).max(128).regex(/^[\w.@:-]+$/, 'use letters, digits and . _ - @ :');
const modelGlob = z.string().min(1).max(256).regex(/^[\w.*/:@-]+$/, 'expected a model glob such as openai/* or a route name');

export const limitsInput = z.strictObject({
  rpm: positiveInteger.nullable().optional(),
  rpd: positiveInteger.nullable().optional(),
  tpm: positiveInteger.nullable().optional(),
  tpd: positiveInteger.nullable().optional(),
  max_parallel: positiveInteger.nullable().optional(),
  budget_usd: z.number().positive().nullable().optional(),
  budget_period: z.enum(['day', 'week', 'month']).nullable().optional(),
});

const metadata = z.record(z.string().max(128), z.string().max(1024));
const allowedModels = z.array(modelGlob).max(500).nullable();

export const teamCreateInput = z.strictObject({
  name,
  allowed_models: allowedModels.optional(),
  limits: limitsInput.optional(),
  metadata: metadata.optional(),
});

export const teamUpdateInput = teamCreateInput.partial();

const isoTimestamp = z.iso.datetime({ offset: true });

export const keyCreateInput = z.strictObject({
  name,
  team_id: z.string().min(1),
  allowed_models: allowedModels.optional(),
  expires_at: isoTimestamp.nullable().optional(),
  metadata: metadata.optional(),
  limits: limitsInput.optional(),
});

export const keyUpdateInput = z.strictObject({
  name: name.optional(),
  allowed_models: allowedModels.optional(),
  expires_at: isoTimestamp.nullable().optional(),
  disabled: z.boolean().optional(),
  metadata: metadata.optional(),
  limits: limitsInput.optional(),
});

export const keyRotateInput = z.strictObject({
  /** How long the old secret keeps working, in seconds (at most 30 days). */
  grace_seconds: z.number().int().min(0).max(30 * 24 * 3600).default(0),
});

export const credentialCreateInput = z.strictObject({
  provider: z.string().min(1),
  name,
  api_key: z.string().min(1).max(8192),
  weight: z.number().positive().max(1_000_000).default(1),
});

export type TeamCreateInput = z.infer<typeof teamCreateInput>;
export type TeamUpdateInput = z.infer<typeof teamUpdateInput>;
export type KeyCreateInput = z.infer<typeof keyCreateInput>;
export type KeyUpdateInput = z.infer<typeof keyUpdateInput>;
export type KeyRotateInput = z.infer<typeof keyRotateInput>;
export type CredentialCreateInput = z.infer<typeof credentialCreateInput>;
export type LimitsInput = z.infer<typeof limitsInput>;

/** Validates input; the error names the offending field. */
export function parseInput<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.code === 'unrecognized_keys' ? formatPath([...issue.path, issue.keys[0]]) : formatPath(issue.path);
  const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  throw new InvalidRequestError(`${path}: ${message}`, { code: 'invalid_value', param: path === '(root)' ? null : path });
}
