import pino, { type Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { Provider } from '../providers/provider.js';
import { createProvider } from '../providers/create-provider.js';
import type { Store } from '../store/store.js';
import type { TenancyService } from '../tenancy/tenancy-service.js';
import type { KeyVerifier } from '../tenancy/key-verifier.js';
import { FailedAuthLimiter } from '../tenancy/failed-auth-limiter.js';
import type { CredentialPool } from '../tenancy/credential-pool.js';
import type { LimitService } from '../limits/limit-service.js';
import type { UsageService } from '../usage/usage-service.js';
import type { Router } from '../routing/router.js';
import type { RequestLogService } from '../observability/request-log-service.js';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { SemanticCache } from '../cache/semantic/semantic-cache.js';
import type { RequestTracing } from '../tracing/request-tracing.js';
import type { AlertService } from '../alerts/alert-service.js';

/** The long-lived state every request shares. */
export interface Gateway {
  readonly config: GatewayConfig;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly logger: Logger;
  /** Durable state: teams, keys, credentials, audit log, settings. */
  readonly store: Store;
  readonly tenancy: TenancyService;
  readonly keys: KeyVerifier;
  readonly failedAuth: FailedAuthLimiter;
  /** Provider credentials stored through the admin API, decrypted, by provider. */
  readonly credentials: CredentialPool;
  /** SHA-256 (hex) of the admin token: from the config, or generated at first start. */
  readonly adminTokenHash: string;
  /** Rate limits, in-flight limits and budgets of keys, teams, routes and the gateway. */
  readonly limits: LimitService;
  /** Prices and the batched writer of usage totals. */
  readonly usage: UsageService;
  /** Route planning, retries, circuit breakers and latency tracking. */
  readonly router: Router;
  /** The per-request log and its batched writer (src/observability/). */
  readonly logs: RequestLogService;
  /** Prometheus metrics served at `/metrics`. */
  readonly metrics: GatewayMetrics;
  /** Exact-match response cache (src/cache/). */
  readonly cache: ResponseCache;
  /** Similar-prompt cache of routes with `cache.semantic` (src/cache/semantic/); loads nothing until used. */
  readonly semanticCache: SemanticCache;
  /** OpenTelemetry spans (src/tracing/); absent when `tracing.enabled` is false. */
  readonly tracing?: RequestTracing;
  /** Alert rules and webhook deliveries (src/alerts/); absent when the config has no rules. */
  readonly alerts?: AlertService;
}

export function createLogger(level: GatewayConfig['logging']['level']): Logger {
  // Asynchronous writes keep logging off the request's critical path. Secrets never reach a
  // log call; the redaction is a second line of defence.
  return pino(
    { level, base: undefined, redact: { paths: ['*.authorization', '*.api_key', '*.secret', '*["x-api-key"]'], censor: '[redacted]' } },
    pino.destination({ dest: 1, sync: false }),
  );
}

export function createProviders(config: GatewayConfig): Map<string, Provider> {
  const providers = new Map<string, Provider>();
  for (const [name, providerConfig] of Object.entries(config.providers)) providers.set(name, createProvider(name, providerConfig));
  return providers;
}

export { FailedAuthLimiter };
