import { Cancellation } from '../http/cancellation.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { applyReplacements, type PlaceholderVault } from './dlp/placeholder-vault.js';
import type { Classification, GuardrailPhase, GuardrailPolicy, GuardrailVerdict } from './guardrail-policy.js';
import { GuardrailTimeoutError } from './guardrail-verdicts.js';

/** A text a policy reads, which redaction may rewrite in place. */
export interface GuardedText {
  text: string;
  changed: boolean;
}

/**
 * Runs one DLP policy over texts: counts what it finds, replaces it with typed placeholders
 * when the action is redact, and returns the verdict (undefined when nothing was found).
 * Reversible placeholders are only minted on the request side, where the answer can restore them.
 */
export function runDlpPolicy(policy: GuardrailPolicy, texts: readonly GuardedText[], phase: GuardrailPhase, vault: PlaceholderVault): GuardrailVerdict | undefined {
  const entities: Record<string, number> = {};
  let found = false;
  for (const item of texts) {
    const spans = policy.scanner!.scan(item.text);
    if (spans.length === 0) continue;
    found = true;
    for (const span of spans) entities[span.entity] = (entities[span.entity] ?? 0) + 1;
    if (policy.action !== 'redact') continue;
    const reversible = policy.reversible && phase === 'request';
    const source = item.text;
    item.text = applyReplacements(
      source,
      spans.map((span) => ({ start: span.start, end: span.end, text: vault.placeholderFor(span.entity, source.slice(span.start, span.end), reversible) })),
    );
    item.changed = true;
  }
  if (!found) return undefined;
  const outcome = policy.action === 'block' ? 'blocked' : policy.action === 'redact' ? 'redacted' : 'flagged';
  return { policy: policy.name, type: policy.type, phase, outcome, entities };
}

/** The verdict of a policy whose detector threw or timed out: its fail mode decides. */
export function failureVerdict(policy: GuardrailPolicy, phase: GuardrailPhase, error: unknown): GuardrailVerdict {
  return {
    policy: policy.name,
    type: policy.type,
    phase,
    outcome: policy.failMode === 'fail_closed' ? 'blocked' : 'error',
    error: error instanceof GuardrailTimeoutError ? 'timeout' : 'detector_error',
    failMode: policy.failMode,
  };
}

export function classificationVerdict(policy: GuardrailPolicy, phase: GuardrailPhase, result: Classification): GuardrailVerdict | undefined {
  if (!result.flagged) return undefined;
  const action = result.action ?? (policy.action === 'block' ? 'block' : 'flag');
  return {
    policy: policy.name,
    type: policy.type,
    phase,
    outcome: action === 'block' ? 'blocked' : 'flagged',
    ...(result.score !== undefined && { score: result.score }),
    ...(result.categories && result.categories.length > 0 && { categories: result.categories }),
  };
}

/**
 * Runs whole-text policies: local ones synchronously (no promise on the hot path), remote ones
 * together, each within its time limit and cancelled when it runs out or the client leaves.
 */
export async function runClassifierPolicies(
  context: RequestContext,
  policies: readonly GuardrailPolicy[],
  textsFor: (policy: GuardrailPolicy) => string[],
  phase: GuardrailPhase,
): Promise<GuardrailVerdict[]> {
  const verdicts: GuardrailVerdict[] = [];
  const remote: Array<Promise<void>> = [];
  for (const policy of policies) {
    const texts = textsFor(policy);
    if (texts.length === 0) continue;
    if (!policy.remote) {
      try {
        const verdict = classificationVerdict(policy, phase, policy.classify!(texts, { gateway: context.gateway, signal: context.abort.signal, timeoutMs: policy.timeoutMs }) as Classification);
        if (verdict) verdicts.push(verdict);
      } catch (error) {
        context.logger.warn({ requestId: context.requestId, policy: policy.name, err: error }, 'guardrail detector failed');
        verdicts.push(failureVerdict(policy, phase, error));
      }
      continue;
    }
    remote.push(
      callWithTimeout(context, policy, texts).then(
        (result) => {
          const verdict = classificationVerdict(policy, phase, result);
          if (verdict) verdicts.push(verdict);
        },
        (error: unknown) => {
          context.logger.warn({ requestId: context.requestId, policy: policy.name, err: error }, 'guardrail detector failed');
          verdicts.push(failureVerdict(policy, phase, error));
        },
      ),
    );
  }
  if (remote.length > 0) await Promise.all(remote);
  return verdicts;
}

async function callWithTimeout(context: RequestContext, policy: GuardrailPolicy, texts: string[]): Promise<Classification> {
  const cancellation = new Cancellation();
  const forward = () => cancellation.abort(context.abort.signal.reason);
  context.abort.signal.once('abort', forward);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new GuardrailTimeoutError(policy.name, policy.timeoutMs);
      // Settle first: a detector that answers "not flagged" when cancelled must not win the race.
      reject(error);
      cancellation.abort(error);
    }, policy.timeoutMs);
  });
  try {
    const call = Promise.resolve(policy.classify!(texts, { gateway: context.gateway, signal: cancellation.signal, timeoutMs: policy.timeoutMs }));
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
    context.abort.signal.removeListener('abort', forward);
  }
}
