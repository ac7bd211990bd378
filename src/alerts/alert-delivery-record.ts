import type { AlertPayload } from './alert-payload.js';

/** One attempt to POST a notification to a webhook. */
export interface AlertDeliveryAttempt {
  /** ISO time the attempt started. */
  at: string;
  /** The webhook's HTTP status; null when none came (timeout, connection error). */
  status_code: number | null;
  /** What went wrong (`http_500`, `timeout`, `ECONNREFUSED`, …); null on success. */
  error: string | null;
  duration_ms: number;
}

/**
 * One notification to one webhook, as the `alert_deliveries` table stores it: saved when it
 * starts and after every attempt, so an attempt in progress or a gateway that stops mid-retry
 * still leaves a trace.
 * Never holds the webhook's URL or headers (they may carry secrets): only its name.
 */
export interface AlertDeliveryRecord {
  id: string;
  /** The payload's `id` (shared by the deliveries of one notification). */
  alert_id: string;
  rule: string;
  webhook: string;
  /** pending: retries are still to come; delivered: a 2xx answered; failed: attempts are spent. */
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** The last attempt's HTTP status (null when it got none). */
  status_code: number | null;
  /** The last attempt's error (null once delivered). */
  error: string | null;
  payload: AlertPayload;
  attempt_log: AlertDeliveryAttempt[];
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
  failed_at: string | null;
}

/** Column order of the alert_deliveries table, shared by both dialects. */
export const alertDeliveryColumns = [
  'id', 'alert_id', 'rule', 'webhook', 'status', 'attempts', 'status_code', 'error', 'payload', 'attempt_log',
  'created_at', 'updated_at', 'delivered_at', 'failed_at',
] as const satisfies ReadonlyArray<keyof AlertDeliveryRecord>;

export const alertDeliveryJsonColumns = new Set<string>(['payload', 'attempt_log']);

/** Filters of the deliveries API, combined with AND; newest first. */
export interface AlertDeliveryQuery {
  rule?: string;
  webhook?: string;
  status?: AlertDeliveryRecord['status'];
  /** Opaque cursor from the previous page's `next_cursor`. */
  cursor?: string;
  limit: number;
}

export interface AlertDeliveryPage {
  records: AlertDeliveryRecord[];
  next_cursor: string | null;
}
