import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from '../../errors/gateway-errors.js';
import type { Stage } from '../compose-stages.js';

/**
 * The gateway key, from the headers each SDK uses (DESIGN.md §1). `x-sluice-key` wins so that
 * `Authorization` can carry the caller's own provider key.
 */
export function extractGatewayKey(headers: IncomingHttpHeaders): string | undefined {
  const sluiceKey = headers['x-sluice-key'];
  if (typeof sluiceKey === 'string' && sluiceKey) return sluiceKey;
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 7 && authorization.slice(0, 7).toLowerCase() === 'bearer ') {
    return authorization.slice(7).trim();
  }
  const apiKey = headers['x-api-key'] ?? headers['x-goog-api-key'];
  return typeof apiKey === 'string' && apiKey ? apiKey : undefined;
}

export const authenticate: Stage = async (context, next) => {
  if (context.gateway.config.auth.required) {
    const secret = extractGatewayKey(context.request.headers);
    if (!secret) throw new AuthenticationError('Missing gateway key: send "Authorization: Bearer sk-sluice-…".', 'missing_api_key');
    const verified = await context.gateway.keys?.verify(secret);
    if (!verified) throw new AuthenticationError('Invalid gateway key.', 'invalid_api_key');
  }
  await next();
};
