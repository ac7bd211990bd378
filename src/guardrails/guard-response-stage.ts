import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { guardCompletion } from './guard-completion.js';
import { setGuardrailsHeader } from './guard-request-stage.js';
import { guardChatStream } from './stream/guard-chat-stream.js';

/**
 * Response-side guardrails: wraps what the stages after it produced. It sits before the cache
 * stage, so a cached answer is checked (and its placeholders restored) like a fresh one, and the
 * cache keeps the upstream's answer to the masked request.
 */
export const guardResponse: Stage = (context, next) => {
  // The request stage before it sets the state when any policy applies; without one there is
  // nothing to wrap, and no frame or promise of this stage's own.
  return context.guardrails ? guardWithPolicies(context, next) : next();
};

async function guardWithPolicies(context: RequestContext, next: () => Promise<void>): Promise<void> {
  await next();
  const state = context.guardrails;
  const result = context.result;
  if (!state || !result) return;
  const policies = state.policies.filter((policy) => policy.applyTo.has('response'));
  if (policies.length === 0 && !state.vault.restorable) return;
  if (result.kind === 'chat') {
    try {
      context.result = { kind: 'chat', completion: await guardCompletion(context, result.completion, policies, state) };
    } finally {
      setGuardrailsHeader(context, state);
    }
  } else if (result.kind === 'chat-stream') {
    // The headers go out with the first chunk: response-side verdicts reach the log, not the header.
    context.result = { kind: 'chat-stream', chunks: guardChatStream(context, result.chunks, policies, state) };
  }
}
