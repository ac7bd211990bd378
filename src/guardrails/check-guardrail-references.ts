import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { GatewayConfig } from '../config/config-schema.js';
import { bundledInjectionModelPath, readInjectionModelFile } from './injection-model/injection-model-file.js';

/**
 * What the guardrail schema cannot check alone: that a moderation or judge `route` names a
 * route or a configured provider, that a classifier's model directory holds a model, and that an
 * injection_model's weight file reads as one.
 */
export function checkGuardrailReferences(config: GatewayConfig): string[] {
  const problems: string[] = [];
  for (const [name, policy] of Object.entries(config.guardrails)) {
    if (policy.type === 'moderation' || policy.type === 'llm_judge') {
      const route = policy.route;
      const provider = route.includes('/') ? route.slice(0, route.indexOf('/')) : undefined;
      if (!config.routes[route] && (!provider || !config.providers[provider] || route.endsWith('/'))) {
        problems.push(`guardrails.${name}.route: expected a route name or "provider/model" with a configured provider, got "${route}"`);
      }
      if (policy.type === 'moderation' && !config.routes[route] && provider && config.providers[provider] && config.providers[provider].type !== 'openai') {
        problems.push(`guardrails.${name}.route: moderation needs a provider speaking OpenAI's /moderations (type openai)`);
      }
    }
    if (policy.type === 'classifier') {
      for (const file of ['config.json', 'tokenizer.json', 'onnx/model.onnx']) {
        if (!existsSync(join(policy.model_dir, file))) problems.push(`guardrails.${name}.model_dir: no ${file} in "${policy.model_dir}" (a Hugging Face text-classification model exported to ONNX)`);
      }
    }
    if (policy.type === 'injection_model') {
      try {
        readInjectionModelFile(policy.weights ?? bundledInjectionModelPath);
      } catch (error) {
        problems.push(`guardrails.${name}.weights: ${(error as Error).message}`);
      }
    }
  }
  return problems;
}
