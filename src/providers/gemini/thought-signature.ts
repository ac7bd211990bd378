import { randomBytes } from 'node:crypto';

/**
 * Gemini function calls carry no call id, and on Gemini 3 they carry a `thoughtSignature` that
 * must come back, byte for byte, when the call is replayed in the history (else HTTP 400).
 *
 * Choice: the signature travels *inside the minted tool-call id*:
 *
 *     call_<24 hex>                      a call without a signature
 *     call_<24 hex>__ts_<base64url sig>  a call with one
 *
 * Why the id and not an extra field (e.g. `tool_calls[i].gemini.thought_signature`): every
 * OpenAI client and agent framework keeps the id, because the tool result must quote it as
 * `tool_call_id`; many rebuild the assistant message from `{id, type, function}` only and would
 * silently lose an extra field. The signature is base64, converted to base64url so the id stays
 * within `[A-Za-z0-9_-]` (what Anthropic's `tool_use.id` accepts, should the history later be
 * sent through `/v1/messages`). The cost is a long id (a real signature is a few KB).
 */
const signatureMarker = '__ts_';

/**
 * Google's documented placeholder for a function call whose signature was lost (history from
 * another provider, or a client that rewrote ids): it tells Gemini 3 to skip the check
 * (ai.google.dev/gemini-api/docs/thought-signatures).
 */
export const skipThoughtSignatureValidator = 'skip_thought_signature_validator';

export function mintToolCallId(thoughtSignature?: string): string {
  const id = `call_${randomBytes(12).toString('hex')}`;
  return thoughtSignature ? `${id}${signatureMarker}${toBase64Url(thoughtSignature)}` : id;
}

/** The signature hidden in an id minted by `mintToolCallId`, if any. */
export function thoughtSignatureFromToolCallId(id: string): string | undefined {
  const at = id.indexOf(signatureMarker);
  if (at === -1) return undefined;
  const encoded = id.slice(at + signatureMarker.length);
  return encoded === '' ? undefined : fromBase64Url(encoded);
}

function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(base64Url: string): string {
  const base64 = base64Url.replace(/-/g, '+').replace(/_/g, '/');
  const padding = (4 - (base64.length % 4)) % 4;
  return base64 + '='.repeat(padding);
}
