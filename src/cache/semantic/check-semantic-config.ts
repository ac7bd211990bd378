import type { GatewayConfig } from '../../config/config-schema.js';
import { semanticBackendOf } from './semantic-cache.js';

/** What the schema cannot check about `cache.semantic`: names of other parts of the config. */
export function checkSemanticCacheConfig(config: GatewayConfig): string[] {
  const problems: string[] = [];
  let used = false;
  for (const [routeName, route] of Object.entries(config.routes)) {
    const semantic = route.cache?.semantic;
    if (!semantic) continue;
    used = true;
    const { embedding } = semantic;
    if (embedding === 'local') continue;
    if (config.routes[embedding]) {
      if (embedding === routeName) problems.push(`routes.${routeName}.cache.semantic.embedding: a chat route cannot embed with itself; name an embeddings route or model`);
      continue;
    }
    const slash = embedding.indexOf('/');
    if (slash <= 0 || slash === embedding.length - 1) {
      problems.push(`routes.${routeName}.cache.semantic.embedding: expected "local", a route name or "provider/model", got "${embedding}"`);
    } else if (!config.providers[embedding.slice(0, slash)]) {
      problems.push(`routes.${routeName}.cache.semantic.embedding: unknown provider "${embedding.slice(0, slash)}"`);
    }
  }
  if (used && semanticBackendOf(config) === 'postgres' && !/^postgres(ql)?:\/\//.test(config.storage)) {
    problems.push('cache.semantic.backend: postgres keeps vectors in the storage database, so storage must be postgres://…');
  }
  return problems;
}
