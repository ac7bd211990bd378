import { performance } from 'node:perf_hooks';
import { openStore } from '../store/open-store.js';
import { KeyVerifier } from '../tenancy/key-verifier.js';
import { TenancyService } from '../tenancy/tenancy-service.js';
import { isModelAllowed } from '../tenancy/model-allow-list.js';
import { extractGatewayKey } from '../pipeline/stages/authenticate.js';

/**
 * The per-request cost of authentication on a cached key, in-process: header extraction,
 * verification (hash, cache, constant-time compare, expiry) and the allow-list check — what the
 * authenticate and authorize-model stages do. Timed over many calls, since a loopback
 * round trip on this machine varies by more than the whole cost.
 */
export async function measureAuthMicroseconds(calls = 200_000): Promise<number> {
  const store = await openStore('memory');
  try {
    const tenancy = new TenancyService({ store, actor: 'bench' });
    const team = await tenancy.createTeam({ name: 'bench', allowed_models: ['bench/*', 'openai/*'] });
    const { secret } = await tenancy.createKey({ name: 'bench', team_id: team.id, allowed_models: ['bench/gpt-4o-mini'] });
    const verifier = new KeyVerifier(store, 60_000);
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    const once = async () => {
      const result = await verifier.verify(extractGatewayKey(headers)!);
      if (!result.ok || !isModelAllowed('bench/gpt-4o-mini', result.principal.team.allowed_models, result.principal.key.allowed_models)) {
        throw new Error('benchmark key refused');
      }
    };
    for (let index = 0; index < 20_000; index++) await once();
    const started = performance.now();
    for (let index = 0; index < calls; index++) await once();
    return ((performance.now() - started) * 1000) / calls;
  } finally {
    await store.close();
  }
}
