import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { Provider } from '../providers/provider.js';
import { breakerSettingsFrom, type BreakerSettings } from './breaker-state.js';
import { MemoryBreakerStore, type BreakerSnapshot, type BreakerStore } from './breaker-store.js';
import { systemClock, type Clock } from './clock.js';
import type { RoutingRuntime } from './execute-plan.js';
import { LatencyTracker } from './latency-tracker.js';
import { planRoute, type Operation, type RoutePlan } from './plan-route.js';
import { configPriceLookup, type PriceLookup } from './price-lookup.js';
import { createRedisBreakerStore } from './redis-breaker-store.js';
import { BreakerEvents, observeBreakerTransitions } from './breaker-transitions.js';
import type { RequestFacts } from './request-facts.js';
import type { RetryOverrides } from './retry-policy.js';

export interface RouterOptions {
  breakers?: BreakerStore;
  clock?: Clock;
  random?: () => number;
  prices?: PriceLookup;
}

/** A target's health as `/admin/api/v1/health` shows it. */
export interface TargetHealth extends BreakerSnapshot {
  /** Routes that hold this target directly. */
  routes: string[];
  /** This instance's recent average latency, ms; null before the first answer. */
  latencyMs: number | null;
}

/**
 * The gateway's routing state: breakers, latencies, clock and prices, shared by all requests;
 * plans a request's targets and hands the executor what it needs.
 */
export class Router implements RoutingRuntime {
  readonly breakers: BreakerStore;
  /** Breaker state changes seen by this instance (alerts subscribe). */
  readonly breakerEvents = new BreakerEvents();
  readonly latency = new LatencyTracker();
  readonly clock: Clock;
  readonly random: () => number;
  readonly prices: PriceLookup;

  constructor(
    private readonly config: GatewayConfig,
    private readonly providers: ReadonlyMap<string, Provider>,
    options: RouterOptions = {},
  ) {
    this.breakers = observeBreakerTransitions(options.breakers ?? new MemoryBreakerStore(), this.breakerEvents);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.prices = options.prices ?? configPriceLookup(config);
  }

  plan(model: string, operation: Operation, facts: RequestFacts, overrides: RetryOverrides): RoutePlan {
    return planRoute(model, operation, facts, overrides, {
      config: this.config,
      providers: this.providers,
      latency: this.latency,
      prices: this.prices,
      random: this.random,
    });
  }

  /** Every target of a route with breakers, with its breaker state (shared, when in Redis). */
  async health(): Promise<TargetHealth[]> {
    const targets = new Map<string, { settings: BreakerSettings; routes: string[] }>();
    for (const [name, route] of Object.entries(this.config.routes)) {
      if (route.breaker === false) continue;
      for (const target of route.targets) {
        if (this.config.routes[target.model]) continue;
        const known = targets.get(target.model);
        if (known) {
          if (!known.routes.includes(name)) known.routes.push(name);
        } else targets.set(target.model, { settings: breakerSettingsFrom(route.breaker), routes: [name] });
      }
    }
    const now = this.clock.now();
    return Promise.all(
      [...targets].map(async ([target, { settings, routes }]) => ({
        ...(await this.breakers.snapshot(target, now, settings.windowMs)),
        routes,
        latencyMs: roundedOrNull(this.latency.get(target)),
      })),
    );
  }

  close(): Promise<void> {
    return this.breakers.close();
  }
}

function roundedOrNull(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 100) / 100;
}

/**
 * Breakers in Redis when the config names one (shared by instances), in memory otherwise.
 * `prices` defaults to the config's `pricing:` alone; the gateway passes the usage price table.
 */
export function createRouter(config: GatewayConfig, providers: ReadonlyMap<string, Provider>, logger?: Logger, prices?: PriceLookup): Router {
  const breakers = config.redis ? createRedisBreakerStore(config.redis, { logger }) : new MemoryBreakerStore();
  return new Router(config, providers, { breakers, prices });
}
