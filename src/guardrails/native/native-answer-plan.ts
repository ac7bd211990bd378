import type { RequestContext } from '../../pipeline/request-context.js';
import type { GuardrailPolicy, GuardrailState } from '../guardrail-policy.js';
import type { NativeAnswerFormat } from './native-endpoint.js';

/** What the native proxy must check on the way back: the answer's format and the policies. */
export interface NativeAnswerPlan {
  readonly format: Exclude<NativeAnswerFormat, 'none' | 'unreadable'>;
  /** Response-side policies; may be empty when only reversible placeholders are to be restored. */
  readonly policies: readonly GuardrailPolicy[];
  readonly state: GuardrailState;
}

/** Kept beside the context rather than on it: only guarded native calls have one. */
const plans = new WeakMap<RequestContext, NativeAnswerPlan>();

export function rememberAnswerPlan(context: RequestContext, plan: NativeAnswerPlan): void {
  plans.set(context, plan);
}

/** Undefined for every native call no response-side policy applies to: the answer is piped untouched. */
export function nativeAnswerPlan(context: RequestContext): NativeAnswerPlan | undefined {
  return plans.get(context);
}
