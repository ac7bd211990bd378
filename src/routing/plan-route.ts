import type { GatewayConfig, RouteConfig, RouteTarget } from '../config/config-schema.js';
import { resolveModel, type ResolvedTarget } from '../gateway/resolve-model.js';
import type { Provider } from '../providers/provider.js';
import { breakerSettingsFrom, type BreakerSettings } from './breaker-state.js';
import { maximumRouteDepth } from './check-route-config.js';
import type { LatencyTracker } from './latency-tracker.js';
import { estimatedCost, type PriceLookup } from './price-lookup.js';
import type { RequestFacts } from './request-facts.js';
import { retryPolicyFor, type RetryOverrides, type RetryPolicy } from './retry-policy.js';
import { orderTargets, type StrategyInputs } from './route-strategies.js';

/** What the call needs from a provider, to skip targets that cannot serve it. */
export type Operation = 'chat' | 'stream' | 'embeddings';

/** One upstream the request may go to, with the transport settings of the route that holds it. */
export interface PlannedTarget {
  target: ResolvedTarget;
  /** Route names from the one the client called to the one holding this target. */
  path: readonly string[];
  retry: RetryPolicy;
  /** Undefined: no breaker (a `provider/model` called directly, or `breaker: false`). */
  breaker?: BreakerSettings;
  contextWindow?: number;
  /** EWMA smoothing for this target's latency samples. */
  latencySmoothing: number;
}

/**
 * The targets of one request in the order they will be tried: nested routes are expanded in
 * place, so fallback is one loop over this list. Routing decisions (which target to move on to)
 * follow the route the client called; transport settings (retry, breaker) come from the route
 * that holds each target.
 */
export interface RoutePlan {
  model: string;
  /** The route the client called; undefined for `provider/model`. */
  route?: string;
  targets: PlannedTarget[];
  fallbackOnContextWindow: boolean;
  fallbackOnContentFilter: boolean;
}

export interface PlannerDependencies {
  config: GatewayConfig;
  providers: ReadonlyMap<string, Provider>;
  latency: LatencyTracker;
  prices: PriceLookup;
  random(): number;
}

export function planRoute(model: string, operation: Operation, facts: RequestFacts, overrides: RetryOverrides, dependencies: PlannerDependencies): RoutePlan {
  const { config } = dependencies;
  const route = config.routes[model];
  if (!route) {
    // A direct `provider/model` call: one target, retried only when the request asks for it.
    const target = resolveModel(model, config, dependencies.providers);
    return {
      model,
      targets: [{ target, path: [], retry: retryPolicyFor(undefined, overrides), latencySmoothing: 0.3 }],
      fallbackOnContextWindow: false,
      fallbackOnContentFilter: false,
    };
  }
  const inputs: StrategyInputs = {
    routeName: model,
    facts,
    random: dependencies.random,
    latencyOf: (name) => {
      const best = bestOf(config, name, 0, (leaf) => dependencies.latency.get(leaf) ?? Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
      return Number.isFinite(best) ? best : undefined;
    },
    costOf: (name) =>
      bestOf(config, name, 0, (leaf) => estimatedCost(dependencies.prices.priceOf(leaf), facts.estimatedPromptTokens(), facts.expectedOutputTokens()), Number.POSITIVE_INFINITY),
  };
  const targets: PlannedTarget[] = [];
  expand(model, route, [model], {}, undefined, inputs, overrides, dependencies, targets);
  return {
    model,
    route: model,
    targets: usableFor(operation, targets),
    fallbackOnContextWindow: route.fallback_on_context_window,
    fallbackOnContentFilter: route.fallback_on_content_filter,
  };
}

function expand(
  name: string,
  route: RouteConfig,
  path: string[],
  inheritedParams: Record<string, unknown>,
  inheritedContextWindow: number | undefined,
  inputs: StrategyInputs,
  overrides: RetryOverrides,
  dependencies: PlannerDependencies,
  into: PlannedTarget[],
): void {
  const { config } = dependencies;
  const retry = retryPolicyFor(route.retry, overrides);
  const breaker = route.breaker === false ? undefined : breakerSettingsFrom(route.breaker);
  for (const entry of orderTargets(route, { ...inputs, routeName: name })) {
    const params = entry.params ? { ...inheritedParams, ...entry.params } : inheritedParams;
    const contextWindow = entry.context_window ?? inheritedContextWindow;
    const nested = config.routes[entry.model];
    if (nested) {
      // check-route-config rejects cycles; the guard keeps a bad config from looping anyway.
      if (path.length < maximumRouteDepth && !path.includes(entry.model)) {
        expand(entry.model, nested, [...path, entry.model], params, contextWindow, inputs, overrides, dependencies, into);
      }
      continue;
    }
    const { provider, upstreamModel, qualifiedModel } = resolveModel(entry.model, config, dependencies.providers);
    into.push({
      // Spelled out: an object spread here measured ~3 µs per request, most of planning's cost.
      target: { provider, upstreamModel, qualifiedModel, route: { name, config: route, target: entry }, params },
      path,
      retry,
      breaker,
      contextWindow,
      latencySmoothing: route.latency?.smoothing ?? 0.3,
    });
  }
}

/**
 * Targets whose provider cannot do the operation (embeddings on Anthropic) are left out,
 * unless that leaves nothing: then the provider's own error tells the client why.
 */
function usableFor(operation: Operation, targets: PlannedTarget[]): PlannedTarget[] {
  const usable = targets.filter(({ target: { provider } }) =>
    operation === 'embeddings' ? provider.capabilities.embeddings : operation === 'stream' ? provider.capabilities.stream : provider.capabilities.chat,
  );
  return usable.length > 0 ? usable : targets;
}

/** The best (lowest) score among a target's leaves: itself, or the targets of a nested route. */
function bestOf(config: GatewayConfig, model: string, depth: number, score: (leaf: string) => number, worst: number): number {
  const route = config.routes[model];
  if (!route) return score(model);
  if (depth >= maximumRouteDepth) return worst;
  return Math.min(...route.targets.map((target: RouteTarget) => bestOf(config, target.model, depth + 1, score, worst)));
}
