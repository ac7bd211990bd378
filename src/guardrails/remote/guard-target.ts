import { resolveModel } from '../../gateway/resolve-model.js';
import type { Provider } from '../../providers/provider.js';
import type { ClassifierCall } from '../guardrail-policy.js';

export interface GuardTarget {
  provider: Provider;
  model: string;
  apiKey: string | undefined;
}

/**
 * The provider and model behind a policy's `route` (a route name or `provider/model`), with a
 * credential drawn like any other call's. Resolved per call so stored credentials added later
 * are used too.
 */
export function resolveGuardTarget(route: string, call: ClassifierCall): GuardTarget {
  const target = resolveModel(route, call.gateway.config, call.gateway.providers);
  return { provider: target.provider, model: target.upstreamModel, apiKey: call.gateway.credentials.pick(target.provider.name) };
}
