import { z } from 'zod';
import type { AdminRoute } from '../admin/admin-route.js';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import { parseInput } from '../tenancy/tenancy-inputs.js';
import { routePrefix } from './cache-key.js';

const purgeBody = z.strictObject({
  key: z.string().regex(/\|[0-9a-f]{64}$/, 'expected a full cache key (route|tenant|sha256)').optional().describe('One entry, by its full cache key'),
  route: z.string().min(1).optional().describe('Every entry of this route or provider/model name'),
  team_id: z.string().min(1).optional().describe('With `route`: only this team\'s entries (team scope)'),
  all: z.literal(true).optional().describe('Every entry'),
});

const purgeResponse = z.object({ purged: z.number().int().describe('Entries deleted') });

const statsResponse = z.object({
  backend: z.enum(['memory', 'redis']),
  scope: z.enum(['team', 'key', 'global']),
  hits: z.number().int(),
  misses: z.number().int(),
  bypasses: z.number().int(),
  hit_ratio: z.number().nullable().describe('hits / (hits + misses) since this instance started; null before any'),
});

export const cacheRoutes: AdminRoute[] = [
  {
    method: 'POST',
    path: '/cache/purge',
    operationId: 'purgeCache',
    summary: 'Deletes cached responses: one key, a route (optionally one team of it), or all',
    tag: 'cache',
    body: { schema: purgeBody, name: 'CachePurge', required: true },
    response: { status: 200, schema: purgeResponse, name: 'CachePurgeResult', description: 'How many entries were deleted' },
    errors: [400],
    async handle({ gateway, body }) {
      const input = parseInput(purgeBody, body ?? {});
      const chosen = [input.key, input.route, input.all].filter((value) => value !== undefined).length;
      // Exactly one target, so an empty or ambiguous body never wipes the cache by accident.
      if (chosen !== 1) throw new InvalidRequestError('Give exactly one of key, route or all.', { code: 'invalid_value' });
      if (input.team_id !== undefined && input.route === undefined) throw new InvalidRequestError('team_id needs route.', { code: 'invalid_value', param: 'team_id' });
      // A full key ends in a fixed-length hash, so as a prefix it matches that entry only.
      let prefix = '';
      if (input.route !== undefined) prefix = routePrefix(input.route) + (input.team_id !== undefined ? `team:${input.team_id}|` : '');
      let purged = input.key !== undefined ? await gateway.cache.purge(input.key) : await gateway.cache.purge(prefix);
      // Semantic entries share the `route|tenant|` prefix form (src/cache/semantic/); a full key names an exact entry only.
      if (input.key === undefined) purged += await gateway.semanticCache.purge(prefix);
      gateway.logger.info({ purge: input, purged }, 'response cache purged');
      return { status: 200, body: { purged } };
    },
  },
  {
    method: 'GET',
    path: '/cache/stats',
    operationId: 'getCacheStats',
    summary: 'Cache hits, misses, bypasses and hit ratio of this instance',
    tag: 'cache',
    response: { status: 200, schema: statsResponse, name: 'CacheStats', description: 'Counters since start' },
    async handle({ gateway }) {
      const { HIT, MISS, BYPASS } = gateway.cache.counts;
      const body = { backend: gateway.config.cache.backend, scope: gateway.config.cache.scope, hits: HIT, misses: MISS, bypasses: BYPASS, hit_ratio: HIT + MISS === 0 ? null : HIT / (HIT + MISS) };
      return { status: 200, body };
    },
  },
];

