import type { GatewayConfig, RouteConfig, RouteTarget } from '../config/config-schema.js';
import type { Provider } from '../providers/provider.js';
import { NotFoundError } from '../errors/gateway-errors.js';

export interface ResolvedTarget {
  provider: Provider;
  /** The model name the upstream receives. */
  upstreamModel: string;
  /** `provider/model` as clients and logs name it. */
  qualifiedModel: string;
  route?: { name: string; config: RouteConfig; target: RouteTarget };
  /** Per-target parameters merged along nested routes (outer first); else `route.target.params`. */
  params?: Record<string, unknown>;
}

/**
 * `model` is a route name or `provider/model`. A route's first target is used here; the
 * route planner (src/routing/plan-route.ts) orders all of them by the route's strategy.
 */
export function resolveModel(model: string, config: GatewayConfig, providers: ReadonlyMap<string, Provider>): ResolvedTarget {
  const route = config.routes[model];
  if (route) {
    const target = route.targets[0];
    const resolved = resolveQualified(target.model, config, providers, 0);
    return { ...resolved, route: resolved.route ?? { name: model, config: route, target } };
  }
  return resolveQualified(model, config, providers, 0);
}

function resolveQualified(model: string, config: GatewayConfig, providers: ReadonlyMap<string, Provider>, depth: number): ResolvedTarget {
  const nestedRoute = config.routes[model];
  if (nestedRoute && depth < 8) {
    const target = nestedRoute.targets[0];
    return { ...resolveQualified(target.model, config, providers, depth + 1), route: { name: model, config: nestedRoute, target } };
  }
  const slash = model.indexOf('/');
  const provider = slash > 0 ? providers.get(model.slice(0, slash)) : undefined;
  if (!provider || slash === model.length - 1) {
    throw new NotFoundError(
      `The model "${model}" does not exist: use "provider/model" with a configured provider or a route name.`,
      'model_not_found',
      'model',
    );
  }
  return { provider, upstreamModel: model.slice(slash + 1), qualifiedModel: model };
}
