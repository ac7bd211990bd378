import type { GatewayConfig } from './config-schema.js';
import { checkRouteStrategy } from '../routing/check-route-config.js';
import { checkGuardrailReferences } from '../guardrails/check-guardrail-references.js';
import { checkSemanticCacheConfig } from '../cache/semantic/check-semantic-config.js';
import { checkAlertReferences } from '../alerts/check-alert-references.js';

/** Checks what a schema cannot: names that must refer to other parts of the config. */
export function checkReferences(config: GatewayConfig): string[] {
  const problems: string[] = [];
  for (const [name, provider] of Object.entries(config.providers)) {
    if (provider.type === 'azure-openai' && !provider.base_url) {
      problems.push(`providers.${name}.base_url: required for type azure-openai (https://NAME.openai.azure.com)`);
    }
  }
  for (const [routeName, route] of Object.entries(config.routes)) {
    if (routeName.includes('/') && config.providers[routeName.split('/')[0]]) {
      problems.push(`routes.${routeName}: a route name must not start with a provider name and "/"`);
    }
    route.targets.forEach((target, index) => {
      const problem = checkTargetModel(config, target.model, routeName);
      if (problem) problems.push(`routes.${routeName}.targets[${index}].model: ${problem}`);
    });
    problems.push(...checkRouteStrategy(config, routeName));
    route.guardrails?.forEach((guardrail, index) => {
      if (!config.guardrails[guardrail]) {
        problems.push(`routes.${routeName}.guardrails[${index}]: unknown guardrail "${guardrail}"`);
      }
    });
  }
  problems.push(...checkGuardrailReferences(config));
  problems.push(...checkSemanticCacheConfig(config));
  problems.push(...checkAlertReferences(config));
  for (const model of Object.keys(config.pricing)) {
    const provider = model.split('/')[0];
    if (!model.includes('/') || !config.providers[provider]) {
      problems.push(`pricing.${model}: expected "provider/model" with a configured provider`);
    }
  }
  return problems;
}

function checkTargetModel(config: GatewayConfig, model: string, routeName: string): string | undefined {
  if (config.routes[model]) return model === routeName ? 'a route cannot target itself' : undefined;
  const slash = model.indexOf('/');
  if (slash <= 0 || slash === model.length - 1) return `expected "provider/model" or a route name, got "${model}"`;
  const provider = model.slice(0, slash);
  if (!config.providers[provider]) return `unknown provider "${provider}"`;
  return undefined;
}
