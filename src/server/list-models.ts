import type { Stage } from '../pipeline/compose-stages.js';
import { isModelAllowed } from '../tenancy/model-allow-list.js';
import { writeJson } from './write-response.js';

/** Routes, then each provider's configured models the key may call, in OpenAI's `GET /v1/models` shape. */
export const listModels: Stage = async (context) => {
  const { config } = context.gateway;
  const created = Math.floor(Date.now() / 1000);
  const data: Array<{ id: string; object: 'model'; created: number; owned_by: string }> = [];
  for (const route of Object.keys(config.routes)) data.push({ id: route, object: 'model', created, owned_by: 'sluice' });
  for (const [providerName, provider] of Object.entries(config.providers)) {
    for (const model of provider.models ?? []) {
      data.push({ id: `${providerName}/${model}`, object: 'model', created, owned_by: providerName });
    }
  }
  const principal = context.principal;
  const visible = principal ? data.filter((model) => isModelAllowed(model.id, principal.team.allowed_models, principal.key.allowed_models)) : data;
  writeJson(context, 200, { object: 'list', data: visible });
};
