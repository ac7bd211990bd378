import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { cacheKey } from './cache-key.js';

/** What the cache does for one request. */
export type CachePolicy =
  | { mode: 'off' }
  | { mode: 'bypass' }
  | {
      mode: 'use';
      key: string;
      /** Seconds to keep the answer; 0 = serve from cache but store nothing. */
      ttlSeconds: number;
      /** False with `Cache-Control: no-cache`: always ask upstream, but store the fresh answer. */
      lookup: boolean;
      maxBytesPerEntry: number;
    };

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function isTruthy(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.trim().toLowerCase());
}

function parseTtl(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new InvalidRequestError('x-sluice-cache-ttl must be a whole number of seconds.', { code: 'invalid_cache_ttl' });
  return Number(value.trim());
}

/**
 * Decides from the config and the request headers whether the cache takes part, and under
 * which key. Off unless the route, the gateway's `cache.ttl` or the request asks for it.
 */
export function cachePolicyOf(context: RequestContext): CachePolicy {
  const request = context.chatRequest ?? context.embeddingsRequest;
  if (!request) return { mode: 'off' };
  const { config } = context.gateway;
  const { headers } = context.request;
  const route = config.routes[request.model]?.cache;
  const ttlHeader = header(headers, 'x-sluice-cache-ttl');
  const ttlSeconds = ttlHeader !== undefined ? parseTtl(ttlHeader) : (route?.ttl ?? config.cache.ttl);
  if (ttlHeader === undefined && ttlSeconds === 0) return { mode: 'off' };
  const cacheControl = (header(headers, 'cache-control') ?? '').toLowerCase();
  // no-store: the caller does not want this exchange kept anywhere, so it is not looked up either.
  if (isTruthy(header(headers, 'x-sluice-skip-cache')) || /\bno-store\b/.test(cacheControl)) return { mode: 'bypass' };
  const principal = context.principal;
  const key = cacheKey({
    endpoint: context.endpoint,
    model: request.model,
    request,
    scope: config.cache.scope,
    teamId: principal?.team.id,
    keyId: principal?.key.id,
    callerProviderKey: context.callerProviderKey,
    customKey: header(headers, 'x-sluice-cache-key'),
  });
  return {
    mode: 'use',
    key,
    ttlSeconds,
    lookup: !/\bno-cache\b/.test(cacheControl),
    maxBytesPerEntry: route?.max_bytes_per_entry ?? config.cache.max_bytes_per_entry,
  };
}
