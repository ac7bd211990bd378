import type { IncomingMessage } from 'node:http';
import type { Gateway } from '../gateway/gateway.js';
import { AuthenticationError, GatewayError } from '../errors/gateway-errors.js';
import { gatewayKeyPrefix, secretMatchesHash } from '../tenancy/secret-keys.js';

/** Failed admin logins are counted apart from the data plane's, under their own key space. */
function limiterKey(request: IncomingMessage): string {
  return `admin:${request.socket.remoteAddress ?? 'unknown'}`;
}

function bearerToken(request: IncomingMessage): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string') return undefined;
  const match = /^bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

/**
 * Admits a request carrying the admin token, or throws. The token is compared by hash in
 * constant time. There is one admin token and it sees every team: tenant isolation is a data-plane
 * property, the admin plane is global by design. Only `Authorization: Bearer` is read — never
 * `x-api-key` or the other data-plane headers — so a client SDK's key cannot reach here by accident.
 */
export function authenticateAdmin(gateway: Gateway, request: IncomingMessage): void {
  const address = limiterKey(request);
  const waitSeconds = gateway.failedAuth.blockedFor(address);
  if (waitSeconds > 0) {
    throw new GatewayError(429, 'rate_limit_error', 'Too many failed admin authentications; try again later.', {
      // The data plane's code for the same refusal.
      code: 'too_many_failed_auth',
      headers: { 'retry-after': String(waitSeconds) },
    });
  }
  const token = bearerToken(request);
  if (!token) throw new AuthenticationError('Missing admin token: send "Authorization: Bearer <admin token>".', 'missing_admin_token');
  // A gateway key is a data-plane credential; saying so helps whoever pasted the wrong secret.
  if (token.startsWith(gatewayKeyPrefix)) {
    gateway.failedAuth.recordFailure(address);
    throw new AuthenticationError('A gateway key (sk-sluice-…) is not an admin token.', 'invalid_admin_token');
  }
  if (!secretMatchesHash(token, gateway.adminTokenHash)) {
    gateway.failedAuth.recordFailure(address);
    throw new AuthenticationError('Invalid admin token.', 'invalid_admin_token');
  }
}
