import { resolveModel } from '../../gateway/resolve-model.js';
import type { Stage } from '../compose-stages.js';

/** Finds the provider and upstream model for the requested model or route. */
export const resolveTarget: Stage = async (context, next) => {
  const model = context.chatRequest?.model ?? context.embeddingsRequest?.model;
  if (model === undefined) throw new Error('resolveTarget runs after a request was parsed');
  const target = resolveModel(model, context.gateway.config, context.gateway.providers);
  context.target = target;
  context.responseHeaders['x-sluice-provider'] = target.provider.name;
  context.responseHeaders['x-sluice-model'] = target.qualifiedModel;
  if (target.route) context.responseHeaders['x-sluice-route'] = target.route.name;
  await next();
};
