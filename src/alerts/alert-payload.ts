import { createHash, randomUUID } from 'node:crypto';
import type { AlertRuleConfig } from './alert-config.js';

/**
 * The JSON body POSTed to a webhook (documented in docs/observability.md, "Alerts"). The same
 * `id` goes to every webhook of the rule and with every retry, so receivers can drop repeats.
 */
export interface AlertPayload {
  /** Unique per notification, stable across retries and webhooks. */
  id: string;
  /** The same for every notification of one rule and subject (firing and resolved pair up on it). */
  fingerprint: string;
  status: 'firing' | 'resolved';
  rule: string;
  type: AlertRuleConfig['type'];
  /** What the rule fired for: `route=chat`, `provider=openai`, `team:search`, `openai/gpt-4o`, or `*`. */
  subject: string;
  /** error_rate: share 0–1; latency_p95: ms; budget: spend / budget; breaker_open: consecutive failures. */
  value: number;
  /** The rule's threshold in the unit of `value`; null for breaker_open. */
  threshold: number | null;
  /** Window rules: the window in ms; null for the event rules (budget, breaker_open). */
  window_ms: number | null;
  /** Window rules: requests counted in the window; null otherwise. */
  requests: number | null;
  /** ISO time the condition first notified in this episode. */
  fired_at: string;
  /** ISO time it cleared (resolved notifications); null while firing. */
  resolved_at: string | null;
  /** The gateway instance that evaluated the rule (`alerts.instance_id`). */
  instance: string;
  /** One line for humans (chat tools show it). */
  summary: string;
  /** Type-specific facts: budget scope, period and spend; breaker target and routes. */
  details: Record<string, unknown>;
}

/** What a rule decided, before the service stamps it with ids and the instance. */
export type AlertNotice = Omit<AlertPayload, 'id' | 'fingerprint' | 'instance'>;

export function buildAlertPayload(notice: AlertNotice, instance: string): AlertPayload {
  return { id: randomUUID(), fingerprint: fingerprintOf(notice.rule, notice.subject), ...notice, instance };
}

export function isoOf(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function fingerprintOf(rule: string, subject: string): string {
  return createHash('sha256').update(`${rule}\u0000${subject}`).digest('hex').slice(0, 16);
}

/** Values in payloads: ratios to 4 decimals, larger numbers to 2. */
export function roundValue(value: number): number {
  return Math.abs(value) < 10 ? Math.round(value * 10_000) / 10_000 : Math.round(value * 100) / 100;
}
