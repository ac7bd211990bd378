import { joinUrl, providerErrorFrom, readUpstreamJson, sendUpstream } from '../../http/upstream-client.js';
import type { GuardrailPolicyConfig } from '../guardrail-config-schema.js';
import type { Classification, ClassifierCall } from '../guardrail-policy.js';
import { resolveGuardTarget } from './guard-target.js';

type ModerationConfig = Extract<GuardrailPolicyConfig, { type: 'moderation' }>;

interface ModerationResponse {
  results?: Array<{ flagged?: boolean; categories?: Record<string, boolean>; category_scores?: Record<string, number> }>;
}

/**
 * Moderation through a configured route speaking OpenAI's `POST /moderations` (OpenAI itself,
 * or a compatible server). The provider's native target gives its base URL and credential
 * headers, the same way `/native/{provider}` requests are sent.
 */
export function createModerationClassifier(config: ModerationConfig) {
  return async (texts: readonly string[], call: ClassifierCall): Promise<Classification> => {
    const target = resolveGuardTarget(config.route, call);
    const native = target.provider.nativeTarget(target.apiKey);
    const url = joinUrl(native.baseUrl, '/moderations');
    for (const [name, value] of Object.entries(native.query ?? {})) url.searchParams.set(name, value);
    const response = await sendUpstream({
      provider: target.provider.name,
      url,
      headers: { ...native.headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ model: target.model, input: texts }),
      signal: call.signal,
      timeoutMs: call.timeoutMs,
      idleTimeoutMs: call.timeoutMs,
    });
    if (response.statusCode < 200 || response.statusCode >= 300) throw await providerErrorFrom(target.provider.name, response);
    const body = await readUpstreamJson<ModerationResponse>(target.provider.name, response, call.timeoutMs);
    if (!Array.isArray(body.results)) throw new Error('moderation answer has no results');
    return decide(body, config);
  };
}

/** Flagged categories (by the provider's flag, or by score when a threshold is set) and their actions. */
function decide(body: ModerationResponse, config: ModerationConfig): Classification {
  const flagged = new Set<string>();
  for (const result of body.results ?? []) {
    const scores = result.category_scores ?? {};
    for (const [category, hit] of Object.entries(result.categories ?? {})) {
      const counts = config.threshold === undefined ? hit === true : (scores[category] ?? 0) >= config.threshold;
      if (counts) flagged.add(category);
    }
  }
  let action: 'block' | 'flag' | undefined;
  const categories: string[] = [];
  for (const category of flagged) {
    const categoryAction = config.categories?.[category] ?? config.action;
    if (categoryAction === 'ignore') continue;
    categories.push(category);
    if (categoryAction === 'block') action = 'block';
    else action ??= 'flag';
  }
  return { flagged: action !== undefined, action, categories };
}
