import { createHash } from 'node:crypto';
import type { CacheConfig } from '../cache-config.js';
import { canonicalJson, normalizedChatBody, routePrefix } from '../cache-key.js';
import type { ChatCompletionRequest, ChatMessage } from '../../schema/chat-completion-request.js';

/** What the semantic cache compares for one request. */
export interface SemanticRequest {
  /** The text embedded: the last user message, whitespace collapsed. */
  text: string;
  /**
   * Everything that must be equal for two prompts to be compared at all: route, tenant, the
   * caller's own provider key (BYOK), the embedding model, every non-message parameter, and the
   * conversation before the last user message.
   */
  bucket: string;
}

export interface SemanticRequestParts {
  endpoint: string;
  /** The route the client called. */
  route: string;
  request: ChatCompletionRequest;
  scope: CacheConfig['scope'];
  teamId?: string;
  keyId?: string;
  callerProviderKey?: string;
  embedderId: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The text of a user message, or undefined when it carries anything else (an image, audio, a file). */
function userText(message: ChatMessage): string | undefined {
  if (message.role !== 'user') return undefined;
  if (typeof message.content === 'string') return message.content;
  const texts: string[] = [];
  for (const part of message.content) {
    if (part.type !== 'text') return undefined;
    texts.push(part.text);
  }
  return texts.join('\n');
}

/**
 * Whether the semantic cache may answer this request, and under which bucket. Only the last
 * user message is compared by meaning; the system prompt and the earlier turns must match
 * exactly (they are hashed into the bucket), so an answer is never reused in another context.
 * Not eligible: `n` > 1 (one stored answer cannot stand for several samples), a conversation
 * that does not end with a text-only user message (a tool result, an image), and an empty prompt.
 */
export function semanticRequestOf(parts: SemanticRequestParts): SemanticRequest | undefined {
  const { request } = parts;
  if (typeof request.n === 'number' && request.n > 1) return undefined;
  const messages = request.messages;
  const last = messages.at(-1);
  const raw = last ? userText(last) : undefined;
  const text = raw?.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  const body = normalizedChatBody(request);
  body.messages = messages.slice(0, -1);
  const tenant = parts.scope === 'global' ? 'global' : parts.scope === 'key' ? `key:${parts.keyId ?? 'anonymous'}` : `team:${parts.teamId ?? 'anonymous'}`;
  const credential = parts.callerProviderKey ? sha256(parts.callerProviderKey).slice(0, 32) : '';
  const digest = sha256(`${parts.endpoint}\n${credential}\n${parts.embedderId}\n${canonicalJson(body)}`);
  // The tenant stays outside the hash, as in the exact cache's keys: no body can collide into another team's bucket.
  return { text, bucket: `${routePrefix(parts.route)}${tenant}|${digest}` };
}
