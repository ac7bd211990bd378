import { NotFoundError } from '../../errors/gateway-errors.js';
import { planRequest, setRoutingHeaders } from '../../routing/run-route.js';
import type { Stage } from '../compose-stages.js';

/**
 * Plans the targets for the requested model or route, in the order the route's strategy will
 * try them. `context.target` is the first of them until the upstream stage moves it along.
 */
export const resolveTarget: Stage = (context, next) => {
  const model = context.chatRequest?.model ?? context.embeddingsRequest?.model;
  if (model === undefined) throw new Error('resolveTarget runs after a request was parsed');
  const plan = planRequest(context, model);
  if (plan.targets.length === 0) throw new NotFoundError(`The route "${model}" has no target for this request.`, 'model_not_found', 'model');
  context.routePlan = plan;
  context.target = plan.targets[0].target;
  setRoutingHeaders(context, plan);
  return next();
};
