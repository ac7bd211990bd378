import { GatewayError } from '../errors/gateway-errors.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { guardrailPolicies } from './compile-guardrail-policies.js';
import type { GuardrailPolicy } from './guardrail-policy.js';

/** The metadata key on teams and keys naming extra policies, comma-separated: `guardrails: "pii,injection"`. */
export const guardrailsMetadataKey = 'guardrails';

/**
 * The policies for this request: the route's (`routes.X.guardrails`), then the team's, then
 * the key's (their `metadata.guardrails`), each once. Attaching at any level only adds: a key
 * cannot remove a policy its team or route requires.
 */
export function selectGuardrailPolicies(context: RequestContext): GuardrailPolicy[] {
  const { config } = context.gateway;
  const names: string[] = [];
  const model = context.chatRequest?.model ?? context.embeddingsRequest?.model;
  const route = model === undefined ? undefined : config.routes[model];
  if (route?.guardrails) names.push(...route.guardrails);
  const principal = context.principal;
  if (principal) {
    names.push(...metadataNames(principal.team.metadata), ...metadataNames(principal.key.metadata));
  }
  if (names.length === 0) return [];
  const available = guardrailPolicies(config);
  const selected: GuardrailPolicy[] = [];
  for (const name of new Set(names)) {
    const policy = available.get(name);
    // A protection the operator asked for but misspelt must not silently vanish: fail closed.
    if (!policy) throw new GatewayError(500, 'api_error', `Guardrail policy "${name}" is attached but not configured.`, { code: 'guardrail_not_configured' });
    selected.push(policy);
  }
  return selected;
}

function metadataNames(metadata: Record<string, string> | undefined): string[] {
  const value = metadata?.[guardrailsMetadataKey];
  if (!value) return [];
  return value
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
