import type { GatewayConfig } from '../config/config-schema.js';
import { piiEntities, secretEntities } from './dlp/entity-catalog.js';
import { EntityScanner } from './dlp/entity-scanner.js';
import { defaultApplyTo, defaultFailMode, type GuardrailPolicyConfig } from './guardrail-config-schema.js';
import type { Classification, GuardrailPolicy, MessageRole } from './guardrail-policy.js';
import { scorePromptInjection } from './injection/score-prompt-injection.js';
import { createLocalClassifier } from './classifier/local-text-classifier.js';
import { createModerationClassifier } from './remote/moderation-classifier.js';
import { createJudgeClassifier } from './remote/llm-judge-classifier.js';

const allRoles: MessageRole[] = ['system', 'developer', 'user', 'assistant', 'tool'];
/** Detectors that call out answer within this unless the policy says otherwise. */
const defaultRemoteTimeoutMs = 2_000;

/** Compiled once per config object: requests share the scanners (their regexes are stateless between calls). */
const compiled = new WeakMap<GatewayConfig, ReadonlyMap<string, GuardrailPolicy>>();

export function guardrailPolicies(config: GatewayConfig): ReadonlyMap<string, GuardrailPolicy> {
  let policies = compiled.get(config);
  if (!policies) {
    policies = new Map(Object.entries(config.guardrails).map(([name, policy]) => [name, compilePolicy(name, policy)]));
    compiled.set(config, policies);
  }
  return policies;
}

/**
 * Compiles the policies at start when one of them loads a model, so loading (seconds) overlaps
 * start-up rather than the first request. Without such a policy nothing is compiled or loaded.
 */
export function preloadGuardrailModels(config: GatewayConfig): void {
  if (Object.values(config.guardrails).some((policy) => policy.type === 'classifier')) guardrailPolicies(config);
}

export function compilePolicy(name: string, config: GuardrailPolicyConfig): GuardrailPolicy {
  const common = {
    name,
    type: config.type,
    action: config.action,
    applyTo: new Set(config.apply_to ?? defaultApplyTo(config.type)),
    failMode: config.fail_mode ?? defaultFailMode(config.action),
    timeoutMs: config.timeout_ms ?? defaultRemoteTimeoutMs,
    reversible: 'reversible' in config ? config.reversible : false,
    nativeUnreadable: config.native_unreadable ?? 'refuse',
    remote: config.type === 'moderation' || config.type === 'llm_judge' || config.type === 'classifier',
  };
  switch (config.type) {
    case 'pii':
    case 'secrets':
    case 'regex':
    case 'keywords': {
      const defaults = config.type === 'pii' ? piiEntities : config.type === 'secrets' ? secretEntities : [];
      const scanner = new EntityScanner({
        entities: config.entities ?? defaults,
        patterns: config.patterns,
        keywords: config.keywords,
        keywordsCaseSensitive: config.keywords_case_sensitive,
        allow: config.allow,
      });
      return { ...common, roles: new Set(config.roles ?? allRoles), scanner };
    }
    case 'prompt_injection': {
      const threshold = config.threshold;
      // A block verdict cannot change once the threshold is reached; flag policies log the full score.
      const stopAt = config.action === 'block' ? threshold : undefined;
      return { ...common, roles: new Set(config.roles ?? ['user', 'tool']), classify: (texts) => classifyInjection(texts, threshold, stopAt) };
    }
    case 'moderation':
      return { ...common, roles: new Set(config.roles ?? ['user']), classify: createModerationClassifier(config) };
    case 'llm_judge':
      return { ...common, roles: new Set(config.roles ?? ['user']), classify: createJudgeClassifier(config) };
    case 'classifier':
      return { ...common, roles: new Set(config.roles ?? ['user', 'tool']), classify: createLocalClassifier(config) };
  }
}

/** Each message is scored on its own: weak signals in different messages are not one attack. */
function classifyInjection(texts: readonly string[], threshold: number, stopAt: number | undefined): Classification {
  let best = { score: 0, signals: [] as string[] };
  for (const text of texts) {
    const assessment = scorePromptInjection(text, stopAt);
    if (assessment.score > best.score) best = assessment;
    if (stopAt !== undefined && best.score >= stopAt) break;
  }
  return { flagged: best.score >= threshold, score: best.score, categories: best.signals };
}
