import { EventEmitter } from 'node:events';
import type { BudgetPeriod } from '../store/store-records.js';
import type { ScopeKind } from './limit-rules.js';

/** A budget crossed its soft threshold (`level: 'alert'`) or was used up (`level: 'exceeded'`). */
export interface BudgetAlertEvent {
  level: 'alert' | 'exceeded';
  scope: ScopeKind;
  id: string;
  name: string;
  period: BudgetPeriod;
  /** The calendar window, e.g. `month:2026-01`. */
  period_key: string;
  budget_usd: number;
  spend_usd: number;
  /** The fraction that fired (alert_threshold, or 1 when exceeded). */
  threshold: number;
}

/** A request was refused by a limit. */
export interface LimitRefusedEvent {
  code: 'rate_limit_exceeded' | 'budget_exceeded';
  scope: ScopeKind;
  id: string;
  rule: string;
  retry_after_seconds: number;
}

export interface BackendStateEvent {
  backend: 'memory' | 'redis';
  /** Why it failed (absent on recovery). */
  error?: string;
}

interface LimitEventMap {
  budget_alert: [BudgetAlertEvent];
  limit_refused: [LimitRefusedEvent];
  backend_unavailable: [BackendStateEvent];
  backend_recovered: [BackendStateEvent];
}

/**
 * In-process events of the limits, for observability to subscribe to (alerts, metrics). Each
 * budget alert fires once per scope and period across all instances: the crossing is decided
 * on the atomic counter increment, which only one request can make.
 */
export class LimitEvents extends EventEmitter<LimitEventMap> {}
