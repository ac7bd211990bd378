import type { GatewayConfig } from '../config/config-schema.js';

/** Deepest nesting of routes: deep enough for tiers of pools, shallow enough to rule out runaway plans. */
export const maximumRouteDepth = 8;

/**
 * What the schema cannot check about one route's strategy: a conditional route needs a default,
 * split percentages add up to 100, strategy-specific fields sit on the right strategy, and
 * nested routes form no cycle.
 */
export function checkRouteStrategy(config: GatewayConfig, routeName: string): string[] {
  const route = config.routes[routeName];
  const at = `routes.${routeName}`;
  const problems: string[] = [];
  route.targets.forEach((target, index) => {
    if (target.when && route.strategy !== 'conditional') problems.push(`${at}.targets[${index}].when: only a conditional route uses "when"`);
    if (target.percent !== undefined && route.strategy !== 'split') problems.push(`${at}.targets[${index}].percent: only a split route uses "percent"`);
  });
  if (route.strategy === 'conditional' && route.targets.every((target) => target.when)) {
    problems.push(`${at}.targets: a conditional route needs a default target (one without "when")`);
  }
  if (route.strategy === 'split') {
    route.targets.forEach((target, index) => {
      if (target.percent === undefined) problems.push(`${at}.targets[${index}].percent: required on a split route`);
    });
    const total = route.targets.reduce((sum, target) => sum + (target.percent ?? 0), 0);
    if (Math.abs(total - 100) > 1e-6) problems.push(`${at}.targets: the percentages add up to ${total}, not 100`);
  }
  if (route.sticky !== undefined && route.strategy !== 'split') problems.push(`${at}.sticky: only a split route uses "sticky"`);
  const cycle = findCycle(config, routeName, [routeName]);
  if (cycle) problems.push(`${at}.targets: ${cycle}`);
  return problems;
}

/** Follows nested route targets depth-first; reports a loop back to `start` or nesting too deep. */
function findCycle(config: GatewayConfig, start: string, path: string[]): string | undefined {
  if (path.length > maximumRouteDepth) return `routes nest deeper than ${maximumRouteDepth} levels (${path.join(' → ')})`;
  for (const target of config.routes[path[path.length - 1]].targets) {
    if (!config.routes[target.model]) continue;
    // A route targeting itself directly is reported by check-references already.
    if (target.model === start && path.length > 1) return `routes form a cycle (${[...path, start].join(' → ')})`;
    if (path.includes(target.model)) continue;
    const found = findCycle(config, start, [...path, target.model]);
    if (found) return found;
  }
  return undefined;
}
