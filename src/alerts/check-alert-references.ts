import type { GatewayConfig } from '../config/config-schema.js';
import { matchesAllowList } from '../tenancy/model-allow-list.js';

/**
 * What the schema cannot check in `alerts:`: names that must exist elsewhere in the config,
 * and rules that could never fire. Problems are `path: reason` lines.
 */
export function checkAlertReferences(config: GatewayConfig): string[] {
  const problems: string[] = [];
  const { webhooks, rules } = config.alerts;
  for (const [name, rule] of Object.entries(rules)) {
    const path = `alerts.rules.${name}`;
    rule.webhook.forEach((webhook, index) => {
      if (!webhooks[webhook]) problems.push(`${path}.webhook${rule.webhook.length > 1 ? `[${index}]` : ''}: unknown webhook "${webhook}"`);
    });
    if ('route' in rule && rule.route) problems.push(...unknownNames(`${path}.route`, rule.route, config.routes, 'route'));
    if ('provider' in rule && rule.provider) problems.push(...unknownNames(`${path}.provider`, rule.provider, config.providers, 'provider'));
    if (rule.type === 'budget' && rule.resolved) {
      problems.push(`${path}.resolved: budget alerts do not resolve (spend only grows until the period ends)`);
    }
    if (rule.type === 'budget' && rule.scope && (rule.team || rule.route)) {
      if (rule.team && !rule.scope.includes('team')) problems.push(`${path}.team: scope does not include team`);
      if (rule.route && !rule.scope.includes('route')) problems.push(`${path}.route: scope does not include route`);
    }
    if (rule.type === 'breaker_open' && rule.target) {
      const guarded = breakerTargets(config);
      rule.target.forEach((target, index) => {
        if (![...guarded].some((candidate) => matchesAllowList(candidate, [target]))) {
          const where = `${path}.target${rule.target!.length > 1 ? `[${index}]` : ''}`;
          problems.push(`${where}: no route target with a circuit breaker matches "${target}"`);
        }
      });
    }
  }
  return problems;
}

function unknownNames(path: string, values: readonly string[], known: Record<string, unknown>, kind: string): string[] {
  return values.flatMap((value, index) => (Object.hasOwn(known, value) ? [] : [`${path}${values.length > 1 ? `[${index}]` : ''}: unknown ${kind} "${value}"`]));
}

/** Targets (`provider/model`) of routes whose breakers are on: the only ones a breaker can open for. */
export function breakerTargets(config: GatewayConfig): Set<string> {
  const targets = new Set<string>();
  for (const route of Object.values(config.routes)) {
    if (route.breaker === false) continue;
    for (const target of route.targets) if (!config.routes[target.model]) targets.add(target.model);
  }
  return targets;
}
