import { GatewayError } from '../errors/gateway-errors.js';
import type { GuardrailVerdict } from './guardrail-policy.js';

/**
 * 400 `guardrail_blocked` naming the policy (DESIGN.md §1). The message names entity types or
 * the failure, never the detected value: the error goes back to whoever sent it, and into logs.
 */
export class GuardrailBlockedError extends GatewayError {
  readonly policy: string;

  constructor(verdict: GuardrailVerdict) {
    super(400, 'invalid_request_error', blockedMessage(verdict), { code: 'guardrail_blocked' });
    this.policy = verdict.policy;
  }
}

function blockedMessage(verdict: GuardrailVerdict): string {
  const subject = verdict.phase === 'request' ? 'request' : 'response';
  if (verdict.error) {
    return `The ${subject} was blocked: guardrail policy "${verdict.policy}" could not be checked (${verdict.error.replace('_', ' ')}) and fails closed.`;
  }
  // Injection signal names would tell an attacker which phrasing to avoid: only moderation
  // categories (the provider's own taxonomy) are named.
  const what = verdict.entities
    ? Object.keys(verdict.entities).join(', ')
    : verdict.type === 'moderation' && verdict.categories
      ? verdict.categories.slice(0, 5).join(', ')
      : verdict.type;
  return `The ${subject} was blocked by guardrail policy "${verdict.policy}" (${verdict.type}: ${what}).`;
}

/** A detector that did not answer in time. */
export class GuardrailTimeoutError extends Error {
  constructor(policy: string, timeoutMs: number) {
    super(`guardrail policy "${policy}" did not answer within ${timeoutMs} ms`);
  }
}

/**
 * `x-sluice-guardrails`: what fired, e.g. `pii:redacted(email=2,phone=1); injection:blocked(score=0.93)`.
 * Policy and entity names come from the config, so they are ASCII; values never appear.
 */
export function summarizeVerdicts(verdicts: readonly GuardrailVerdict[]): string {
  return verdicts
    .map((verdict) => {
      const details: string[] = [];
      if (verdict.phase === 'response') details.push('response');
      for (const [entity, count] of Object.entries(verdict.entities ?? {})) details.push(`${entity}=${count}`);
      if (verdict.score !== undefined) details.push(`score=${verdict.score}`);
      if (verdict.error) details.push(`error=${verdict.error}`, verdict.failMode ?? '');
      else if (verdict.type === 'moderation' && verdict.categories) details.push(...verdict.categories.slice(0, 4));
      const inside = details.filter(Boolean).join(',');
      return `${verdict.policy}:${verdict.outcome}${inside ? `(${inside})` : ''}`;
    })
    .join('; ');
}
