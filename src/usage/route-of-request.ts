import type { RequestContext } from '../pipeline/request-context.js';

/**
 * The route a request asked for: the model name when it names a configured route (known before
 * the target is resolved, so route limits apply before any routing work), else the route the
 * resolved target came from.
 */
export function routeOfRequest(context: RequestContext): string | undefined {
  const model = context.chatRequest?.model ?? context.embeddingsRequest?.model;
  if (model !== undefined && Object.hasOwn(context.gateway.config.routes, model)) return model;
  return context.target?.route?.name;
}
