import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { Provider } from '../providers/provider.js';
import { createLogger, createProviders, type Gateway } from '../gateway/gateway.js';
import { closeUpstreamPools } from '../http/upstream-client.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { CredentialCipher } from '../tenancy/credential-cipher.js';
import { CredentialPool } from '../tenancy/credential-pool.js';
import { FailedAuthLimiter } from '../tenancy/failed-auth-limiter.js';
import { KeyVerifier } from '../tenancy/key-verifier.js';
import { TenancyService } from '../tenancy/tenancy-service.js';
import { resolveAdminTokenHash } from '../tenancy/admin-token.js';
import { createGatewayServer } from './create-gateway-server.js';
import { startLimits } from '../limits/start-limits.js';
import { UsageService } from '../usage/usage-service.js';
import { createRouter, type Router } from '../routing/router.js';
import { priceTableLookup } from '../routing/price-table-lookup.js';
import { RequestLogService } from '../observability/request-log-service.js';
import { GatewayMetrics } from '../observability/gateway-metrics.js';
import { createResponseCache } from '../cache/response-cache.js';
import { SemanticCache } from '../cache/semantic/semantic-cache.js';
import { startTracing } from '../tracing/start-tracing.js';
import { preloadGuardrailModels } from '../guardrails/compile-guardrail-policies.js';

export interface RunningGateway {
  gateway: Gateway;
  /** `http://host:port`, with the port actually bound (useful with port 0). */
  url: string;
  close(): Promise<void>;
}

export interface GatewayOptions {
  logger?: Logger;
  /** An already open store (tests); otherwise `config.storage` is opened. */
  store?: Store;
  environment?: NodeJS.ProcessEnv;
  /** Receives an admin token generated at first start (the CLI prints it once). */
  announceAdminToken?: (token: string) => void;
  /** A router with injected clock, randomness or breaker store (tests). */
  router?: (config: GatewayConfig, providers: ReadonlyMap<string, Provider>) => Router;
}

/** Everything a gateway needs that is not a socket: providers, store, tenancy, credentials. */
export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? createLogger(config.logging.level);
  const store = options.store ?? (await openStore(config.storage));
  const cipher = CredentialCipher.fromEnvironment(options.environment ?? process.env);
  const keys = new KeyVerifier(store, config.auth.key_cache_ttl_ms);
  const tenancy = new TenancyService({ store, actor: 'admin-token', cipher, onKeyChanged: (keyId) => keys.invalidate(keyId) });
  const configKeys = new Map<string, string>();
  for (const [name, provider] of Object.entries(config.providers)) if (provider.api_key) configKeys.set(name, provider.api_key);
  const credentials = new CredentialPool(store, cipher, configKeys, logger);
  await credentials.load();
  credentials.startRefreshing();
  const adminTokenHash = await resolveAdminTokenHash(config.admin.token, store, options.announceAdminToken ?? (() => undefined));
  const limits = await startLimits(config, store, logger);
  const usage = new UsageService(config, store, logger);
  const providers = createProviders(config);
  const router = options.router ? options.router(config, providers) : createRouter(config, providers, logger, priceTableLookup(usage.prices));
  const logs = new RequestLogService(config.request_log, store, logger);
  const tracing = await startTracing(config.tracing, logger);
  // Loaded only when rules exist: a gateway without alerts pays nothing for them.
  const alerts = Object.keys(config.alerts.rules).length > 0 ? await (await import('../alerts/start-alerts.js')).startAlerts(config, store, logger, limits, router) : undefined;
  return {
    config,
    providers,
    router,
    logger,
    store,
    tenancy,
    keys,
    failedAuth: new FailedAuthLimiter(config.auth.failed_attempts_per_minute),
    credentials,
    adminTokenHash,
    limits,
    usage,
    logs,
    metrics: new GatewayMetrics({ limits, router, logWriter: logs.writer, keyLabels: config.metrics.key_labels, alerts }),
    cache: createResponseCache(config, logger),
    semanticCache: new SemanticCache(config, { router, credentials }, logger),
    tracing,
    alerts,
  };
}

export async function startGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<RunningGateway> {
  const gateway = await createGateway(config, options);
  preloadGuardrailModels(config);
  const server = createGatewayServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    gateway,
    url: `http://${host}:${address.port}`,
    async close() {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // In-flight streams get a moment to finish, then are cut.
        setTimeout(() => server.closeAllConnections(), 5_000).unref();
      });
      gateway.credentials.stop();
      // Usage still pending reaches the store before it closes.
      await gateway.usage.close();
      // Every request accepted before the server closed has run its log stage: write them all.
      await gateway.logs.close();
      // Deliveries in flight finish (and are recorded) before the store closes.
      await gateway.alerts?.close();
      await gateway.limits.close();
      await gateway.router.close();
      await gateway.cache.close();
      await gateway.semanticCache.close();
      // Spans of the last requests (all ended once the server closed) go out before exit.
      await gateway.tracing?.close();
      await closeUpstreamPools();
      if (!options.store) await gateway.store.close();
    },
  };
}
