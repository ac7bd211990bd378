import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError, GatewayError } from '../../errors/gateway-errors.js';
import type { Stage } from '../compose-stages.js';

/**
 * The gateway key, from the headers each SDK uses (DESIGN.md §1). `x-sluice-key` wins so that
 * `Authorization` can carry the caller's own provider key.
 */
export function extractGatewayKey(headers: IncomingHttpHeaders): string | undefined {
  const sluiceKey = headers['x-sluice-key'];
  if (typeof sluiceKey === 'string' && sluiceKey) return sluiceKey;
  const bearer = bearerToken(headers);
  if (bearer) return bearer;
  const apiKey = headers['x-api-key'] ?? headers['x-goog-api-key'];
  return typeof apiKey === 'string' && apiKey ? apiKey : undefined;
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ') {
    return authorization.slice(7).trim() || undefined;
  }
  return undefined;
}

const reasons = {
  unknown: 'Invalid gateway key.',
  expired: 'This gateway key has expired.',
  disabled: 'This gateway key has been revoked.',
} as const;

class TooManyFailedAuthError extends GatewayError {
  constructor(retryAfterSeconds: number) {
    super(429, 'rate_limit_error', 'Too many failed authentication attempts from this address; try again later.', {
      code: 'too_many_failed_auth',
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}

export const authenticate: Stage = async (context, next) => {
  const { gateway, request } = context;
  if (gateway.config.auth.required) {
    const address = request.socket.remoteAddress ?? 'unknown';
    const blockedFor = gateway.failedAuth.blockedFor(address);
    if (blockedFor > 0) throw new TooManyFailedAuthError(blockedFor);
    const secret = extractGatewayKey(request.headers);
    if (!secret) throw new AuthenticationError('Missing gateway key: send "Authorization: Bearer sk-sluice-…".', 'missing_api_key');
    const result = await gateway.keys.verify(secret);
    if (!result.ok) {
      gateway.failedAuth.recordFailure(address);
      throw new AuthenticationError(reasons[result.reason], result.reason === 'unknown' ? 'invalid_api_key' : `key_${result.reason}`);
    }
    context.principal = result.principal;
    if (request.headers['x-sluice-key']) context.callerProviderKey = bearerToken(request.headers);
  }
  await next();
};
