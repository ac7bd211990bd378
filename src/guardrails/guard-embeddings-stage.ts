import type { Stage } from '../pipeline/compose-stages.js';
import type { EmbeddingsRequest } from '../schema/embeddings.js';
import { PlaceholderVault } from './dlp/placeholder-vault.js';
import type { GuardrailState } from './guardrail-policy.js';
import { GuardrailBlockedError } from './guardrail-verdicts.js';
import { checkRequest, setGuardrailsHeader } from './guard-request-stage.js';
import type { TextSlot } from './request-texts.js';
import { selectGuardrailPolicies } from './select-guardrail-policies.js';

/**
 * Request-side guardrails for `/v1/embeddings`: the texts to embed leave for the provider like a
 * prompt does, so the same policies (attached to the route, team or key) check them, as `user`
 * content. Blocking refuses the request; redaction embeds the masked text. Token-array inputs are
 * not text and are passed as they are.
 */
export const guardEmbeddingsRequest: Stage = async (context, next) => {
  const request = context.embeddingsRequest;
  if (!request) return next();
  const policies = selectGuardrailPolicies(context).filter((policy) => policy.applyTo.has('request'));
  if (policies.length === 0) return next();
  const state: GuardrailState = { policies, verdicts: [], vault: new PlaceholderVault() };
  context.guardrails = state;
  const slots = inputSlots(request);
  const blocked = await checkRequest(context, policies, slots, state);
  setGuardrailsHeader(context, state);
  if (blocked) throw new GuardrailBlockedError(blocked);
  context.embeddingsRequest = applyInputSlots(request, slots);
  await next();
};

function inputSlots(request: EmbeddingsRequest): TextSlot[] {
  const input = request.input as unknown;
  const items = Array.isArray(input) ? input : [input];
  const slots: TextSlot[] = [];
  items.forEach((item, index) => {
    if (typeof item === 'string') slots.push({ role: 'user', messageIndex: index, index: 0, kind: 'content', text: item, changed: false });
  });
  return slots;
}

function applyInputSlots(request: EmbeddingsRequest, slots: readonly TextSlot[]): EmbeddingsRequest {
  if (!slots.some((slot) => slot.changed)) return request;
  if (!Array.isArray(request.input)) return { ...request, input: slots[0].text };
  const input = [...(request.input as unknown[])];
  for (const slot of slots) if (slot.changed) input[slot.messageIndex] = slot.text;
  return { ...request, input: input as EmbeddingsRequest['input'] };
}
