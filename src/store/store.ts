import type { AuditRecord, CredentialRecord, KeyPatch, KeyRecord, TeamPatch, TeamRecord } from './store-records.js';
import type { UsageQuery, UsageRow, UsageTotals } from '../usage/usage-records.js';
import type { RequestLogPage, RequestLogPruning, RequestLogQuery, RequestLogRecord } from '../observability/request-log-record.js';
import type { RequestFeedbackRecord } from '../observability/request-feedback-record.js';
import type { AnalyticsCell, AnalyticsQuery } from '../observability/analytics-query.js';
import type { AlertDeliveryPage, AlertDeliveryQuery, AlertDeliveryRecord } from '../alerts/alert-delivery-record.js';

/** A unique name (team name, key name within a team, credential name within a provider) is taken. */
export class StoreConflictError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/**
 * Durable state behind one small interface with two implementations (DESIGN.md §2.5):
 * SQLite embedded (`sqlite:PATH`, `memory`) and PostgreSQL shared (`postgres://…`).
 * The same contract test suite runs against both.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending versioned migrations; idempotent and safe when instances start at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Throws StoreConflictError('name') when the name is taken. */
  insertTeam(team: TeamRecord): Promise<void>;
  getTeam(id: string): Promise<TeamRecord | undefined>;
  getTeamByName(name: string): Promise<TeamRecord | undefined>;
  listTeams(): Promise<TeamRecord[]>;
  /** Undefined when no such team; StoreConflictError('name') on a taken name. */
  updateTeam(id: string, patch: TeamPatch): Promise<TeamRecord | undefined>;
  /** Deletes the team and its keys. False when no such team. */
  deleteTeam(id: string): Promise<boolean>;

  /** Throws StoreConflictError('name') when the team already has a key of that name. */
  insertKey(key: KeyRecord): Promise<void>;
  getKey(id: string): Promise<KeyRecord | undefined>;
  /** The key whose current or previous secret hash is `hash` (the caller checks grace expiry). */
  findKeyBySecretHash(hash: string): Promise<KeyRecord | undefined>;
  listKeys(filter?: { teamId?: string }): Promise<KeyRecord[]>;
  updateKey(id: string, patch: KeyPatch): Promise<KeyRecord | undefined>;
  deleteKey(id: string): Promise<boolean>;

  /** Throws StoreConflictError('name') when the provider already has a credential of that name. */
  insertCredential(credential: CredentialRecord): Promise<void>;
  getCredential(id: string): Promise<CredentialRecord | undefined>;
  listCredentials(filter?: { provider?: string }): Promise<CredentialRecord[]>;
  deleteCredential(id: string): Promise<boolean>;

  appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  /** Newest first; `before` is an id for paging. */
  listAudit(options?: { limit?: number; before?: number }): Promise<AuditRecord[]>;

  getSetting(name: string): Promise<string | undefined>;
  /** Sets a value only if none exists; true when this call set it (first instance wins). */
  setSettingIfAbsent(name: string, value: string): Promise<boolean>;

  /** Adds to the daily usage totals (src/usage/usage-records.ts); each group at most once per call. */
  addUsage(rows: readonly UsageRow[]): Promise<void>;
  /** Sums of the daily usage totals over a day range, grouped as asked. */
  queryUsage(query: UsageQuery): Promise<UsageTotals[]>;

  /** Writes a batch of request-log records (src/observability/); an id already stored is skipped. */
  insertRequestLogs(records: readonly RequestLogRecord[]): Promise<void>;
  /** Newest first, filtered, keyset-paged. */
  queryRequestLogs(query: RequestLogQuery): Promise<RequestLogPage>;
  getRequestLog(id: string): Promise<RequestLogRecord | undefined>;
  /** Deletes records by age and beyond a row count; returns how many went. */
  pruneRequestLogs(pruning: RequestLogPruning): Promise<number>;

  /** Stores feedback on a request; a second one on the same request replaces the first. */
  putRequestFeedback(feedback: RequestFeedbackRecord): Promise<void>;
  getRequestFeedback(requestId: string): Promise<RequestFeedbackRecord | undefined>;
  /** Request-log aggregates per (bucket, group) that has requests, oldest bucket first. */
  queryAnalytics(query: AnalyticsQuery): Promise<AnalyticsCell[]>;
  /** Inserts an alert webhook delivery, or updates its attempt fields when the id exists (src/alerts/). */
  saveAlertDelivery(record: AlertDeliveryRecord): Promise<void>;
  /** Newest first, filtered, keyset-paged. */
  listAlertDeliveries(query: AlertDeliveryQuery): Promise<AlertDeliveryPage>;
  /** Deletes the alert deliveries created before `before` (ISO time); returns how many went. */
  pruneAlertDeliveries(before: string): Promise<number>;
}
