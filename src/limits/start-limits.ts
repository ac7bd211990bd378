import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { Store } from '../store/store.js';
import { LimitService } from './limit-service.js';
import { MemoryLimitBackend } from './memory-limit-backend.js';
import { RedisLimitBackend } from './redis-limit-backend.js';
import { seedSpendFromStore } from './seed-spend.js';

/** How long start-up waits for Redis before serving anyway (fail_open / fail_closed then apply). */
const redisStartWaitMs = 3_000;

/**
 * The limit service for a gateway: Redis-backed when `redis:` is set (and then never blocking
 * start-up on it for long), else memory-backed with spend rebuilt from the store.
 */
export async function startLimits(config: GatewayConfig, store: Store, logger: Logger): Promise<LimitService> {
  const limits = LimitService.create(config, logger);
  const { backend } = limits;
  if (backend instanceof RedisLimitBackend) {
    if (!(await backend.ready(redisStartWaitMs))) {
      logger.warn({ mode: config.limits.on_redis_error }, 'Redis is not reachable yet: limits follow limits.on_redis_error until it is');
    }
  } else if (backend instanceof MemoryLimitBackend) {
    await seedSpendFromStore(backend, store, config.limits.redis_prefix);
  }
  return limits;
}
