import { InvalidRequestError } from '../errors/gateway-errors.js';
import type { ProviderCall } from '../providers/provider.js';
import { upstreamTraceHeaders } from '../observability/trace-context.js';
import type { RequestContext } from './request-context.js';
import type { GatewayConfig } from '../config/config-schema.js';
import type { ResolvedTarget } from '../gateway/resolve-model.js';

/** Largest accepted `x-sluice-request-timeout`: one hour. */
const maximumTimeoutMs = 3_600_000;

/**
 * Time to first byte allowed for this request: the `x-sluice-request-timeout` header, else the
 * route's, else the provider's, else the server default.
 */
export function requestTimeoutMs(context: RequestContext): number {
  const header = context.request.headers['x-sluice-request-timeout'];
  if (typeof header === 'string') {
    const value = Number(header);
    if (!Number.isInteger(value) || value < 1 || value > maximumTimeoutMs) {
      throw new InvalidRequestError(`x-sluice-request-timeout: expected milliseconds between 1 and ${maximumTimeoutMs}`, {
        code: 'invalid_header',
        param: 'x-sluice-request-timeout',
      });
    }
    return value;
  }
  const { config } = context.gateway;
  const providerConfig = context.target ? config.providers[context.target.provider.name] : undefined;
  return context.target?.route?.config.timeout_ms ?? providerConfig?.timeout_ms ?? config.server.request_timeout_ms;
}

/** Whether a caller's own provider key goes to this target: the route's `byok`, else the provider's. */
export function allowsCallerKey(config: GatewayConfig, route: ResolvedTarget['route'], providerName: string): boolean {
  return route?.config.byok ?? config.providers[providerName]?.byok ?? false;
}

/**
 * The credential for this call: the caller's own key where the route or provider allows BYOK,
 * else a weighted pick among the configured and stored credentials.
 */
export function apiKeyFor(context: RequestContext, providerName: string): string | undefined {
  const { config } = context.gateway;
  if (context.callerProviderKey) {
    if (allowsCallerKey(config, context.target?.route, providerName)) return context.callerProviderKey;
    const warning = 'your own provider key was ignored: this route does not allow BYOK';
    // Once per request, however many attempts and targets the route makes.
    if (!context.warnings.includes(warning)) context.warnings.push(warning);
  }
  return context.gateway.credentials.pick(providerName);
}

export function providerCallFor(context: RequestContext): ProviderCall {
  return {
    signal: (context.upstreamAbort ?? context.abort).signal,
    apiKey: context.target ? apiKeyFor(context, context.target.provider.name) : undefined,
    timeoutMs: requestTimeoutMs(context),
    idleTimeoutMs: context.target?.route?.config.stream_idle_timeout_ms ?? context.gateway.config.server.stream_idle_timeout_ms,
    warn: (message) => {
      if (!context.warnings.includes(message)) context.warnings.push(message);
    },
    traceHeaders: upstreamTraceHeaders(context),
  };
}
