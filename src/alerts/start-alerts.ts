import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/config-schema.js';
import type { LimitService } from '../limits/limit-service.js';
import type { Router } from '../routing/router.js';
import type { Store } from '../store/store.js';
import { AlertService } from './alert-service.js';

/**
 * The alerts of a gateway whose config has rules, subscribed to the limits' budget events and
 * the router's breaker transitions, with its evaluation timer running. Imported lazily by
 * createGateway, so a gateway without alert rules loads none of this.
 */
export function startAlerts(config: GatewayConfig, store: Store, logger: Logger, limits: LimitService, router: Router): AlertService {
  const alerts = new AlertService({ config, store, logger, sources: { limits, breakers: router.breakerEvents } });
  alerts.start();
  return alerts;
}
