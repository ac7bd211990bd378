import { PermissionDeniedError } from '../../errors/gateway-errors.js';
import { isModelAllowed } from '../../tenancy/model-allow-list.js';
import type { Stage } from '../compose-stages.js';
import type { RequestContext } from '../request-context.js';

/** 403 unless both the key's team and the key itself allow the model (or route) name. */
export function assertModelAllowed(context: RequestContext, model: string): void {
  const principal = context.principal;
  if (!principal) return;
  if (!isModelAllowed(model, principal.team.allowed_models, principal.key.allowed_models)) {
    throw new PermissionDeniedError(`This key may not call "${model}".`, 'model_not_allowed');
  }
}

/** Not async: a stage with nothing to do after `next()` hands its promise on (one frame and tick fewer). */
export const authorizeModel: Stage = (context, next) => {
  const model = context.chatRequest?.model ?? context.embeddingsRequest?.model;
  if (model !== undefined) assertModelAllowed(context, model);
  return next();
};
