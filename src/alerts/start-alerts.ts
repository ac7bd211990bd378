import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { LimitService } from '../limits/limit-service.js';
import type { Router } from '../routing/router.js';
import type { Store } from '../store/store.js';
import { AlertService } from './alert-service.js';
import { RedisAlertCoordinator } from './redis-alert-coordinator.js';

/** How long start-up waits for Redis before starting anyway (alerts are then decided per instance until it answers). */
const redisStartWaitMs = 3_000;

/**
 * The alerts of a gateway whose config has rules, subscribed to the limits' budget events and
 * the router's breaker transitions, with its evaluation and pruning timers running; with
 * `redis:`, coordinated with the other instances so that each alert notifies once. Imported
 * lazily by createGateway, so a gateway without alert rules loads none of this.
 */
export async function startAlerts(config: GatewayConfig, store: Store, logger: Logger, limits: LimitService, router: Router): Promise<AlertService> {
  const coordinator = config.redis ? createCoordinator(config, config.redis) : undefined;
  if (coordinator && !(await coordinator.ready(redisStartWaitMs))) {
    logger.warn('alerts: Redis is not reachable yet, each instance decides its alerts alone until it answers');
  }
  const alerts = new AlertService({ config, store, logger, sources: { limits, breakers: router.breakerEvents }, coordinator });
  alerts.start();
  return alerts;
}

function createCoordinator(config: GatewayConfig, url: string): RedisAlertCoordinator {
  const { alerts } = config;
  return new RedisAlertCoordinator({
    url,
    prefix: alerts.redis_prefix,
    instance: AlertService.instanceOf(config),
    cooldownOf: (rule) => alerts.rules[rule]?.cooldown_ms ?? 0,
  });
}
