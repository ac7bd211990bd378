import type { IncomingMessage } from 'node:http';
import { authenticateAdmin } from '../admin/admin-auth.js';
import { AuthenticationError } from '../errors/gateway-errors.js';
import type { Gateway } from '../gateway/gateway.js';
import { hashSecret, secretMatchesHash } from '../tenancy/secret-keys.js';

const tokenHashes = new WeakMap<object, string>();

function metricsTokenHash(gateway: Gateway, token: string): string {
  let hash = tokenHashes.get(gateway.config.metrics);
  if (hash === undefined) tokenHashes.set(gateway.config.metrics, (hash = hashSecret(token)));
  return hash;
}

/**
 * Whether `/metrics` asks for a credential. Off by default, as most exporters are: a scrape
 * holds aggregates only (key ids only with `key_labels`), and Prometheus is usually on a private
 * network. `metrics.token` or `metrics.require_auth` turn it on for gateways reachable by others.
 */
export function metricsAuthRequired(gateway: Gateway): boolean {
  const { token, require_auth: requireAuth } = gateway.config.metrics;
  return requireAuth || (token !== undefined && token !== '');
}

/**
 * Admits a scrape carrying `Authorization: Bearer` with the metrics token, or the admin token
 * (which can read everything the metrics say and more), or throws a 401/429 like the admin API.
 * Tokens are compared by hash in constant time; failures count towards the per-IP lockout.
 */
export function authenticateMetrics(gateway: Gateway, request: IncomingMessage): void {
  const { token } = gateway.config.metrics;
  if (token) {
    const presented = /^bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    if (presented !== undefined && secretMatchesHash(presented, metricsTokenHash(gateway, token))) return;
  }
  try {
    authenticateAdmin(gateway, request);
  } catch (error) {
    // Named for what the operator configured, so a scrape error points at the right secret.
    if (token && error instanceof AuthenticationError) {
      throw new AuthenticationError('Missing or invalid metrics token: send "Authorization: Bearer <metrics.token>".', 'invalid_metrics_token');
    }
    throw error;
  }
}
