import { Counter, type Registry } from 'prom-client';
import type { DeliveryListener } from './alert-deliverer.js';

/**
 * The alerts' Prometheus counters. Created unregistered and added to the gateway's registry by
 * GatewayMetrics, so they exist only when alerts are configured. Labels are names from the
 * config (rules, webhooks), so their number is bounded.
 */
export class AlertMetrics implements DeliveryListener {
  readonly fired = new Counter({ name: 'sluice_alerts_fired_total', help: 'Alert notifications sent as firing (cooldown repeats included)', labelNames: ['rule', 'type'], registers: [] });
  readonly resolved = new Counter({ name: 'sluice_alerts_resolved_total', help: 'Alert notifications sent as resolved', labelNames: ['rule', 'type'], registers: [] });
  private readonly attempts = new Counter({ name: 'sluice_alert_delivery_attempts_total', help: 'Webhook delivery attempts by outcome', labelNames: ['webhook', 'outcome'], registers: [] });
  private readonly failures = new Counter({ name: 'sluice_alert_deliveries_failed_total', help: 'Alert deliveries that failed after their last attempt (or were dropped)', labelNames: ['webhook'], registers: [] });

  register(registry: Registry): void {
    const metrics: Array<Counter<string>> = [this.fired, this.resolved, this.attempts, this.failures];
    for (const metric of metrics) registry.registerMetric(metric);
  }

  attempt(webhook: string, ok: boolean): void {
    this.attempts.inc({ webhook, outcome: ok ? 'delivered' : 'failed' });
  }

  failed(webhook: string): void {
    this.failures.inc({ webhook });
  }

  dropped(webhook: string): void {
    this.failures.inc({ webhook });
  }
}
