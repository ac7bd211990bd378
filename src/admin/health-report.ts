import { performance } from 'node:perf_hooks';
import type { Gateway } from '../gateway/gateway.js';
import type { z } from 'zod';
import type { healthResponse } from './response-schemas.js';

type HealthReport = z.infer<typeof healthResponse>;

const storeTimeoutMs = 2_000;

/** A base URL without any user:password part, which must never be echoed. */
function publicUrl(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return null;
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The store's reachability (probed with the credential listing, which the provider section needs
 * anyway), each configured provider, and the circuit breakers of the routes' targets.
 */
export async function buildHealthReport(gateway: Gateway, requestId: string): Promise<HealthReport> {
  const started = performance.now();
  const storedByProvider = new Map<string, number>();
  let store: HealthReport['store'];
  try {
    const credentials = await withTimeout(gateway.store.listCredentials(), storeTimeoutMs);
    for (const credential of credentials) storedByProvider.set(credential.provider, (storedByProvider.get(credential.provider) ?? 0) + 1);
    store = { status: 'ok', kind: gateway.store.kind, latency_ms: Math.round(performance.now() - started) };
  } catch (error) {
    // Driver messages can name hosts and users; the detail goes to the log, not the response.
    gateway.logger.warn({ requestId, err: error }, 'admin health: store check failed');
    store = { status: 'error', kind: gateway.store.kind, latency_ms: Math.round(performance.now() - started), error: 'store check failed; see the gateway log' };
  }
  const providers = Object.entries(gateway.config.providers).map(([name, provider]) => ({
    name,
    type: provider.type,
    base_url: publicUrl(provider.base_url),
    config_key: Boolean(provider.api_key),
    stored_credentials: storedByProvider.get(name) ?? 0,
  }));
  const targets = (await gateway.router.health()).map((target) => ({
    target: target.target,
    routes: target.routes,
    state: target.state,
    consecutive_failures: target.consecutiveFailures,
    window_requests: target.windowRequests,
    error_rate: target.errorRate,
    until: target.until === null ? null : new Date(target.until).toISOString(),
    latency_ms: target.latencyMs,
  }));
  const breakers = { store: gateway.router.breakers.kind, targets };
  const breakerOpen = targets.some((target) => target.state !== 'closed');
  return { status: store.status === 'ok' && !breakerOpen ? 'ok' : 'degraded', store, providers, breakers };
}
