import { createHash } from 'node:crypto';
import type { ChatCompletionRequest } from '../schema/chat-completion-request.js';
import type { EmbeddingsRequest } from '../schema/embeddings.js';
import type { CacheConfig } from './cache-config.js';

/** Fields that change how an answer is delivered or attributed, never what it says. */
const deliveryOnlyFields = new Set(['stream', 'stream_options', 'user', 'model']);

/** JSON with object keys sorted at every depth, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((key) => (value as Record<string, unknown>)[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The body without the fields that change delivery only: what the answer depends on. */
export function normalizedChatBody(request: ChatCompletionRequest | EmbeddingsRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(request)) if (!deliveryOnlyFields.has(field)) body[field] = value;
  return body;
}

export interface CacheKeyParts {
  endpoint: string;
  /** The model or route name the client called (routes resolve to the same targets for everyone). */
  model: string;
  /** Chat, or `/v1/embeddings` (whose input, dimensions and encoding_format are all kept). */
  request: ChatCompletionRequest | EmbeddingsRequest;
  scope: CacheConfig['scope'];
  teamId?: string;
  keyId?: string;
  /** The caller's own provider key (BYOK): answers bought with it stay with it. */
  callerProviderKey?: string;
  /** `x-sluice-cache-key`: replaces the body in the hash, the tenant and model still apply. */
  customKey?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * `model|tenant|hash`: the model comes first so the admin API can purge a route by prefix, and
 * the tenant is outside the hash so no body can ever collide into another team's entry.
 */
export function cacheKey(parts: CacheKeyParts): string {
  const tenant = parts.scope === 'global' ? 'global' : parts.scope === 'key' ? `key:${parts.keyId ?? 'anonymous'}` : `team:${parts.teamId ?? 'anonymous'}`;
  const credential = parts.callerProviderKey ? sha256(parts.callerProviderKey).slice(0, 32) : '';
  const content = parts.customKey !== undefined ? `custom:${parts.customKey}` : canonicalJson(normalizedChatBody(parts.request));
  return `${routePrefix(parts.model)}${tenant}|${sha256(`${parts.endpoint}\n${credential}\n${content}`)}`;
}

/** The prefix every key of one model or route starts with. */
export function routePrefix(model: string): string {
  return `${encodeURIComponent(model)}|`;
}
