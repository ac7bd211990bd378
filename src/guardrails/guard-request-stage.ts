import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { headerSafe } from '../server/write-response.js';
import { PlaceholderVault } from './dlp/placeholder-vault.js';
import type { GuardrailPolicy, GuardrailState, GuardrailVerdict, MessageRole } from './guardrail-policy.js';
import { GuardrailBlockedError, summarizeVerdicts } from './guardrail-verdicts.js';
import { applyTextSlots, collectTextSlots } from './request-texts.js';
import { failureVerdict, runClassifierPolicies, runDlpPolicy, type GuardedText } from './run-guardrail-checks.js';
import { selectGuardrailPolicies } from './select-guardrail-policies.js';

/** A request text and the message role policies read it as (chat slots, native body texts). */
export interface RoleText extends GuardedText {
  readonly role: MessageRole;
}

/**
 * Request-side guardrails (DESIGN.md §2.3: after auth and limits, before the cache and the
 * upstream call, so a blocked prompt is never looked up, stored or sent). DLP policies run
 * first, in order, so the classifiers after them (and any remote judge) see redacted text.
 */
export const guardRequest: Stage = async (context, next) => {
  const request = context.chatRequest;
  if (!request) return next();
  const policies = selectGuardrailPolicies(context);
  if (policies.length === 0) return next();
  const state: GuardrailState = { policies, verdicts: [], vault: new PlaceholderVault() };
  context.guardrails = state;
  context.finishers.push(() => logVerdicts(context, state));
  const requestPolicies = policies.filter((policy) => policy.applyTo.has('request'));
  if (requestPolicies.length > 0) {
    const slots = collectTextSlots(request);
    const blocked = await checkRequest(context, requestPolicies, slots, state);
    setGuardrailsHeader(context, state);
    if (blocked) throw new GuardrailBlockedError(blocked);
    context.chatRequest = applyTextSlots(request, slots);
  }
  await next();
};

export async function checkRequest(context: RequestContext, policies: readonly GuardrailPolicy[], slots: RoleText[], state: GuardrailState): Promise<GuardrailVerdict | undefined> {
  const record = (verdict: GuardrailVerdict | undefined) => {
    if (verdict) state.verdicts.push(verdict);
    return verdict?.outcome === 'blocked' ? verdict : undefined;
  };
  for (const policy of policies) {
    if (!policy.scanner) continue;
    const texts = slots.filter((slot) => policy.roles.has(slot.role));
    let verdict: GuardrailVerdict | undefined;
    try {
      verdict = runDlpPolicy(policy, texts, 'request', state.vault);
    } catch (error) {
      context.logger.warn({ requestId: context.requestId, policy: policy.name, err: error }, 'guardrail detector failed');
      verdict = failureVerdict(policy, 'request', error);
    }
    const blocked = record(verdict);
    // Nothing more is worth checking (or paying a remote judge for) once the request is refused.
    if (blocked) return blocked;
  }
  const classifiers = policies.filter((policy) => policy.classify);
  if (classifiers.length === 0) return undefined;
  const verdicts = await runClassifierPolicies(
    context,
    classifiers,
    (policy) => slots.filter((slot) => policy.roles.has(slot.role) && slot.text !== '').map((slot) => slot.text),
    'request',
  );
  let blocked: GuardrailVerdict | undefined;
  for (const verdict of verdicts) {
    const refused = record(verdict);
    blocked ??= refused;
  }
  return blocked;
}

export function setGuardrailsHeader(context: RequestContext, state: GuardrailState): void {
  if (state.verdicts.length > 0) context.responseHeaders['x-sluice-guardrails'] = headerSafe(summarizeVerdicts(state.verdicts));
}

/** One log line per request on which a guardrail fired or failed, for the request log. */
export function logVerdicts(context: RequestContext, state: GuardrailState): void {
  if (state.verdicts.length === 0) return;
  context.logger.info({ requestId: context.requestId, guardrails: state.verdicts }, 'guardrail verdicts');
}
