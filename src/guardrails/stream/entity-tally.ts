import type { GuardrailPolicy, GuardrailVerdict } from '../guardrail-policy.js';

/** Counts, per policy, what a streamed answer contained, to become verdicts when it ends. */
export class EntityTally {
  private readonly counts = new Map<GuardrailPolicy, Record<string, number>>();
  private readonly failures = new Map<GuardrailPolicy, unknown>();

  add(policy: GuardrailPolicy, entity: string): void {
    const entities = this.counts.get(policy) ?? {};
    entities[entity] = (entities[entity] ?? 0) + 1;
    this.counts.set(policy, entities);
  }

  fail(policy: GuardrailPolicy, error: unknown): void {
    if (!this.failures.has(policy)) this.failures.set(policy, error);
  }

  verdicts(): GuardrailVerdict[] {
    const verdicts: GuardrailVerdict[] = [];
    for (const [policy, entities] of this.counts) {
      const outcome = policy.action === 'redact' ? 'redacted' : policy.action === 'block' ? 'blocked' : 'flagged';
      verdicts.push({ policy: policy.name, type: policy.type, phase: 'response', outcome, entities });
    }
    for (const policy of this.failures.keys()) {
      verdicts.push({ policy: policy.name, type: policy.type, phase: 'response', outcome: 'error', error: 'detector_error', failMode: policy.failMode });
    }
    return verdicts;
  }
}
