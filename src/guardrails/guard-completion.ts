import type { RequestContext } from '../pipeline/request-context.js';
import type { ChatCompletion } from '../schema/chat-completion-response.js';
import { restorePlaceholders } from './dlp/placeholder-vault.js';
import type { GuardrailPolicy, GuardrailState, GuardrailVerdict } from './guardrail-policy.js';
import { GuardrailBlockedError } from './guardrail-verdicts.js';
import { failureVerdict, runClassifierPolicies, runDlpPolicy, type GuardedText } from './run-guardrail-checks.js';

interface CompletionText extends GuardedText {
  choice: number;
  field: 'content' | 'refusal' | 'tool_arguments';
  tool: number;
}

/**
 * Response-side guardrails on a whole (non-streamed) answer: DLP policies block, redact or
 * flag; whole-text policies judge the upstream's text; then reversible placeholders from the
 * request are restored for the caller. Returns the answer to send, or throws the block.
 */
export async function guardCompletion(context: RequestContext, completion: ChatCompletion, policies: readonly GuardrailPolicy[], state: GuardrailState): Promise<ChatCompletion> {
  const texts = completionTexts(completion);
  await guardAnswerTexts(context, texts, policies, state);
  return applyCompletionTexts(completion, texts);
}

/**
 * The response-side checks on the texts of a whole answer, in any wire format: rewrites them in
 * place (redaction, restored placeholders) and throws the block. `/native/*` answers use it too.
 */
export async function guardAnswerTexts(context: RequestContext, texts: GuardedText[], policies: readonly GuardrailPolicy[], state: GuardrailState): Promise<void> {
  const upstreamTexts = texts.map((item) => item.text).filter((text) => text !== '');
  let blocked: GuardrailVerdict | undefined;
  for (const policy of policies) {
    if (!policy.scanner) continue;
    let verdict: GuardrailVerdict | undefined;
    try {
      verdict = runDlpPolicy(policy, texts, 'response', state.vault);
    } catch (error) {
      context.logger.warn({ requestId: context.requestId, policy: policy.name, err: error }, 'guardrail detector failed');
      verdict = failureVerdict(policy, 'response', error);
    }
    if (!verdict) continue;
    state.verdicts.push(verdict);
    if (verdict.outcome === 'blocked') throw new GuardrailBlockedError(verdict);
  }
  const classifiers = policies.filter((policy) => policy.classify);
  if (classifiers.length > 0) {
    const verdicts = await runClassifierPolicies(context, classifiers, () => upstreamTexts, 'response');
    state.verdicts.push(...verdicts);
    blocked = verdicts.find((verdict) => verdict.outcome === 'blocked');
    if (blocked) throw new GuardrailBlockedError(blocked);
  }
  if (state.vault.restorable) {
    for (const item of texts) {
      const restored = restorePlaceholders(item.text, state.vault);
      if (restored !== item.text) {
        item.text = restored;
        item.changed = true;
      }
    }
  }
}

function completionTexts(completion: ChatCompletion): CompletionText[] {
  const texts: CompletionText[] = [];
  for (const choice of completion.choices) {
    const { message } = choice;
    if (typeof message.content === 'string') texts.push({ choice: choice.index, field: 'content', tool: 0, text: message.content, changed: false });
    if (typeof message.refusal === 'string') texts.push({ choice: choice.index, field: 'refusal', tool: 0, text: message.refusal, changed: false });
    message.tool_calls?.forEach((call, tool) => texts.push({ choice: choice.index, field: 'tool_arguments', tool, text: call.function.arguments, changed: false }));
  }
  return texts;
}

function applyCompletionTexts(completion: ChatCompletion, texts: readonly CompletionText[]): ChatCompletion {
  if (!texts.some((item) => item.changed)) return completion;
  const choices = completion.choices.map((choice) => {
    const mine = texts.filter((item) => item.choice === choice.index && item.changed);
    if (mine.length === 0) return choice;
    const message = { ...choice.message };
    for (const item of mine) {
      if (item.field === 'content') message.content = item.text;
      else if (item.field === 'refusal') message.refusal = item.text;
      else if (message.tool_calls) {
        message.tool_calls = message.tool_calls.map((call, index) => (index === item.tool ? { ...call, function: { ...call.function, arguments: item.text } } : call));
      }
    }
    return { ...choice, message };
  });
  return { ...completion, choices };
}
