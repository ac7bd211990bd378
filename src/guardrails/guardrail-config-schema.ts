import { z } from 'zod';
import { boolean, integer } from '../config/config-primitives.js';
import { entityNames } from './dlp/entity-catalog.js';

/**
 * The `guardrails:` section of the config (DESIGN.md §1): named policies, attached to routes
 * (`routes.X.guardrails`) and to keys and teams (their `metadata.guardrails`, comma-separated).
 * Objects are strict so a misspelt option fails at start instead of silently doing nothing.
 */

const ratio = z.union([z.number(), z.string().regex(/^\d*\.?\d+$/).transform(Number)]).pipe(z.number().min(0).max(1));

export const guardrailActions = ['block', 'redact', 'flag'] as const;
export type GuardrailAction = (typeof guardrailActions)[number];
const action = z.enum(guardrailActions);
const verdictAction = z.enum(['block', 'flag']);
const applyTo = z.array(z.enum(['request', 'response'])).min(1);
const roles = z.array(z.enum(['system', 'developer', 'user', 'assistant', 'tool'])).min(1);

/** An operator's pattern: checked here so a bad one fails `config check`, not a request. */
const customPattern = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'entity names use lowercase letters, digits and _'),
  pattern: z.string().min(1).refine(compiles, { message: 'not a valid JavaScript regular expression' }),
  case_sensitive: boolean.default(true),
});

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern, 'g');
    return true;
  } catch {
    return false;
  }
}

/** What every policy has. `fail_mode` defaults by action (see `defaultFailMode`). */
const common = {
  apply_to: applyTo.optional(),
  fail_mode: z.enum(['fail_closed', 'fail_open']).optional(),
  /** Limit for detectors that call out (moderation, judge); heuristics run in microseconds. */
  timeout_ms: integer(1).optional(),
  /** Message roles checked on the request; responses are always the assistant's. */
  roles: roles.optional(),
  /**
   * `/native/*` bodies or answers the gateway cannot read (unknown endpoint, not JSON, an
   * unscannable stream): `refuse` (403) when this policy would block or redact them, or `allow`
   * them through unchecked. Flag-only policies never refuse.
   */
  native_unreadable: z.enum(['refuse', 'allow']).optional(),
};

/** DLP policies find spans, so they can also redact; `reversible` restores them in the answer. */
const dlpFields = {
  ...common,
  action: action.default('redact'),
  entities: z.array(z.enum(entityNames)).min(1).optional(),
  patterns: z.array(customPattern).optional(),
  keywords: z.array(z.string().min(1)).optional(),
  keywords_case_sensitive: boolean.default(false),
  /** Values never reported (a company's public support address, documentation keys). */
  allow: z.array(z.string()).optional(),
  reversible: boolean.default(false),
};

const piiPolicy = z.strictObject({ type: z.literal('pii'), ...dlpFields });
const secretsPolicy = z.strictObject({ type: z.literal('secrets'), ...dlpFields });
const regexPolicy = z.strictObject({ type: z.literal('regex'), ...dlpFields, patterns: z.array(customPattern).min(1) });
const keywordsPolicy = z.strictObject({ type: z.literal('keywords'), ...dlpFields, keywords: z.array(z.string().min(1)).min(1) });

const injectionPolicy = z.strictObject({
  type: z.literal('prompt_injection'),
  ...common,
  action: verdictAction.default('block'),
  /** Score (0..1) at or above which the text counts as an injection attempt. */
  threshold: ratio.default(0.8),
});

const moderationPolicy = z.strictObject({
  type: z.literal('moderation'),
  ...common,
  action: verdictAction.default('block'),
  /** A route name or `provider/model` whose provider speaks OpenAI's `/moderations`. */
  route: z.string().min(1),
  /** Per-category actions (`hate: block`, `violence: flag`); others use `action`. */
  categories: z.record(z.string(), z.enum(['block', 'flag', 'ignore'])).optional(),
  /** When set, a category counts when its score reaches it, instead of the provider's flag. */
  threshold: ratio.optional(),
});

const judgePolicy = z.strictObject({
  type: z.literal('llm_judge'),
  ...common,
  action: verdictAction.default('block'),
  /** A route name or `provider/model` answering in the Llama Guard style: `safe` or `unsafe\nS1,…`. */
  route: z.string().min(1),
  /** The judge's instructions; `{{content}}` is replaced by the text to judge. */
  prompt: z.string().min(1).optional(),
  max_tokens: integer(1).default(20),
});

const classifierPolicy = z.strictObject({
  type: z.literal('classifier'),
  ...common,
  action: verdictAction.default('block'),
  /**
   * Directory of a local text-classification model in Hugging Face layout exported to ONNX
   * (config.json with id2label, tokenizer.json, onnx/model.onnx); never fetched from the network.
   */
  model_dir: z.string().min(1),
  label: z.string().default('INJECTION'),
  threshold: ratio.default(0.5),
});

export const guardrailPolicySchema = z
  .discriminatedUnion('type', [piiPolicy, secretsPolicy, regexPolicy, keywordsPolicy, injectionPolicy, moderationPolicy, judgePolicy, classifierPolicy])
  .superRefine((policy, context) => {
    if ('reversible' in policy && policy.reversible && policy.action !== 'redact') {
      context.addIssue({ code: 'custom', path: ['reversible'], message: 'reversible masking needs action: redact' });
    }
  });

export type GuardrailPolicyConfig = z.infer<typeof guardrailPolicySchema>;
export type GuardrailType = GuardrailPolicyConfig['type'];

/** Block (and redact, which cannot redact what it did not scan) fail closed; flag fails open. */
export function defaultFailMode(policyAction: GuardrailAction): 'fail_closed' | 'fail_open' {
  return policyAction === 'flag' ? 'fail_open' : 'fail_closed';
}

/** Where a policy applies when `apply_to` is not given. */
export function defaultApplyTo(type: GuardrailType): Array<'request' | 'response'> {
  return type === 'pii' || type === 'secrets' || type === 'regex' || type === 'keywords' ? ['request', 'response'] : ['request'];
}
