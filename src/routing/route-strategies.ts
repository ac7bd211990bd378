import { fnv1a } from '../math/fnv1a-hash.js';
import type { RouteConfig, RouteTarget } from '../config/config-schema.js';
import { matchesCondition } from './match-condition.js';
import { factValue, type RequestFacts } from './request-facts.js';

/** What a strategy may consult to order a route's targets for one request. */
export interface StrategyInputs {
  routeName: string;
  facts: RequestFacts;
  /** In [0, 1); injected so distributions can be tested. */
  random(): number;
  /** Recent latency of a target (a nested route: its fastest target); undefined before any sample. */
  latencyOf(model: string): number | undefined;
  /** Estimated USD of this request on a target (a nested route: its cheapest); +∞ when unknown. */
  costOf(model: string): number;
}

/**
 * The order in which a route's targets are tried for one request: the first is the strategy's
 * pick, the rest are its fallbacks (DESIGN.md §2.4: fallback is a plain loop over this list).
 */
export function orderTargets(route: RouteConfig, inputs: StrategyInputs): RouteTarget[] {
  switch (route.strategy) {
    case 'fallback':
      return route.targets;
    case 'loadbalance':
      return weightedOrder(route.targets, inputs.random);
    case 'latency':
      return latencyOrder(route, inputs);
    case 'cost':
      return costOrder(route.targets, inputs);
    case 'conditional': {
      // Conditions express policy (this team → that region): a request that matched a rule
      // never falls through to another rule's target; nest a route to give it fallbacks.
      const chosen = route.targets.find((target) => !target.when || matchesCondition(target.when, inputs.facts));
      return chosen ? [chosen] : [];
    }
    case 'split':
      return splitOrder(route, inputs);
  }
}

/**
 * Weighted random order without replacement (Efraimidis–Spirakis: sort by u^(1/w)): the first
 * pick is target i with probability w_i / Σw, and the fallbacks follow by weight too.
 * Weight 0 targets are never picked first; they serve as fallbacks in config order.
 */
export function weightedOrder(targets: readonly RouteTarget[], random: () => number): RouteTarget[] {
  const keyed = targets.map((target, index) => {
    const weight = target.weight ?? 1;
    return { target, index, key: weight > 0 ? Math.pow(random(), 1 / weight) : -1 };
  });
  keyed.sort((a, b) => b.key - a.key || a.index - b.index);
  return keyed.map((entry) => entry.target);
}

/**
 * Fastest recent average first. Targets without samples go first so every target gets
 * measured; with probability `exploration` another target is tried first, so a target that was
 * slow (or failing) and recovered wins its traffic back.
 */
function latencyOrder(route: RouteConfig, inputs: StrategyInputs): RouteTarget[] {
  const ranked = route.targets
    .map((target, index) => ({ target, index, latency: inputs.latencyOf(target.model) ?? -1 }))
    .sort((a, b) => a.latency - b.latency || a.index - b.index)
    .map((entry) => entry.target);
  const exploration = route.latency?.exploration ?? 0.1;
  if (ranked.length > 1 && inputs.random() < exploration) {
    const pick = 1 + Math.floor(inputs.random() * (ranked.length - 1));
    const [explored] = ranked.splice(pick, 1);
    ranked.unshift(explored);
  }
  return ranked;
}

/**
 * Cheapest estimated cost first (ties keep config order); targets whose declared context window
 * cannot hold the request go last, since they would only fail.
 */
function costOrder(targets: readonly RouteTarget[], inputs: StrategyInputs): RouteTarget[] {
  const needed = inputs.facts.estimatedPromptTokens() + inputs.facts.expectedOutputTokens();
  return targets
    .map((target, index) => ({
      target,
      index,
      fits: target.context_window === undefined || target.context_window >= needed,
      cost: inputs.costOf(target.model),
    }))
    .sort((a, b) => Number(b.fits) - Number(a.fits) || compareCost(a.cost, b.cost) || a.index - b.index)
    .map((entry) => entry.target);
}

function compareCost(a: number, b: number): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Percentage split (canary): a point in [0, 100) picks the target whose share covers it; the
 * others follow in config order as fallbacks. With `sticky`, the point is a hash of that fact,
 * so one user or key stays on one side of the split from request to request.
 */
function splitOrder(route: RouteConfig, inputs: StrategyInputs): RouteTarget[] {
  const stickyValue = route.sticky ? factValue(inputs.facts, route.sticky) : undefined;
  const point = stickyValue === undefined || stickyValue === null ? inputs.random() * 100 : (fnv1a(`${inputs.routeName}\u0000${String(stickyValue)}`) / 2 ** 32) * 100;
  let covered = 0;
  let chosen = route.targets.length - 1;
  for (let index = 0; index < route.targets.length; index++) {
    covered += route.targets[index].percent ?? 0;
    if (point < covered) {
      chosen = index;
      break;
    }
  }
  return [route.targets[chosen], ...route.targets.filter((_, index) => index !== chosen)];
}

