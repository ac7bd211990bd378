import type pg from 'pg';
import { loadPg } from '../../server/load-optional-module.js';
import type { AuditRecord, CredentialRecord, KeyPatch, KeyRecord, TeamPatch, TeamRecord } from '../store-records.js';
import type { Store } from '../store.js';
import { conflicts, missingTeamError } from '../store-conflicts.js';
import { assertMigrationsOrdered, pendingMigrations, type StoreMigration } from '../store-migration.js';
import { keyPatchFields, patchEntries, teamPatchFields } from '../store-patches.js';
import { postgresMigrations } from './postgres-migrations.js';
import * as rows from './postgres-rows.js';
import type { UsageQuery, UsageRow, UsageTotals } from '../../usage/usage-records.js';
import { addPostgresUsage, queryPostgresUsage } from '../../usage/postgres-usage.js';
import type { RequestLogPage, RequestLogPruning, RequestLogQuery, RequestLogRecord } from '../../observability/request-log-record.js';
import { getPostgresRequestLog, insertPostgresRequestLogs, prunePostgresRequestLogs, queryPostgresRequestLogs } from '../../observability/postgres-request-logs.js';
import type { RequestFeedbackRecord } from '../../observability/request-feedback-record.js';
import { getPostgresRequestFeedback, putPostgresRequestFeedback } from '../../observability/postgres-request-feedback.js';
import type { AnalyticsCell, AnalyticsQuery } from '../../observability/analytics-query.js';
import { queryPostgresAnalytics } from '../../observability/postgres-analytics.js';
import type { AlertDeliveryPage, AlertDeliveryQuery, AlertDeliveryRecord } from '../../alerts/alert-delivery-record.js';
import { listPostgresAlertDeliveries, prunePostgresAlertDeliveries, savePostgresAlertDelivery } from '../../alerts/postgres-alert-deliveries.js';

type Row = Record<string, unknown>;

/**
 * Key of the transaction-scoped advisory lock that serialises migrations across every
 * instance using the database ("sluice" in ASCII). Constant on purpose: all versions of
 * Sluice must agree on it.
 */
export const MIGRATION_LOCK_KEY = 0x736c75696365;
const DEFAULT_AUDIT_LIMIT = 100;
/** Schema names are put into `-c search_path=…` and DDL, so only plain identifiers are accepted. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export interface PostgresStoreOptions {
  /**
   * Keep Sluice's tables in this schema (created by migrate() if missing) instead of the
   * connection's default search_path, usually `public`. The same effect without code: put
   * `?options=-c%20search_path%3Dmy_schema` in the URL (the schema must then exist).
   */
  schema?: string;
  /** Connections in the pool; defaults to 10. */
  maxConnections?: number;
  /** Defaults to the built-in list; tests pass their own to exercise upgrades. */
  migrations?: readonly StoreMigration[];
}

interface PgError {
  code?: string;
  constraint?: string;
}

/** The shared store: PostgreSQL through a `pg` Pool, parameterised queries only. */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;
  private readonly migrations: readonly StoreMigration[];
  private closed = false;

  constructor(connectionString: string, options: PostgresStoreOptions = {}) {
    this.schema = options.schema;
    this.migrations = options.migrations ?? postgresMigrations;
    assertMigrationsOrdered(this.migrations);
    if (this.schema !== undefined) {
      if (!SCHEMA_NAME.test(this.schema)) throw new Error(`invalid PostgreSQL schema name "${this.schema}"`);
      // pg lets the URL's parameters override the config object, so both would silently clash.
      if (new URL(connectionString).searchParams.has('options')) {
        throw new Error('set the PostgreSQL schema either with the schema option or with options= in the URL, not both');
      }
    }
    this.pool = new (loadPg().Pool)({
      connectionString,
      max: options.maxConnections ?? 10,
      options: this.schema === undefined ? undefined : `-c search_path=${this.schema}`,
    });
    // An idle connection dropped by the server emits 'error' on the pool; unhandled, that
    // would crash the process. The pool discards the client and the next query reconnects.
    this.pool.on('error', () => {});
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Held until COMMIT: a second instance starting now waits here, then finds nothing to do.
      await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      if (this.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const applied = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      for (const migration of pendingMigrations(this.migrations, applied.rows.map((row) => row.version))) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [migration.version]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  async insertTeam(team: TeamRecord): Promise<void> {
    await this.write(
      `INSERT INTO teams (${rows.teamColumns}) VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6, $7)`,
      rows.teamParameters(team),
      () => conflicts.teamName(team.name),
      () => conflicts.id('team', team.id),
    );
  }

  async getTeam(id: string): Promise<TeamRecord | undefined> {
    const row = await this.one(`SELECT ${rows.teamColumns} FROM teams WHERE id = $1`, [id]);
    return row && rows.rowToTeam(row);
  }

  async getTeamByName(name: string): Promise<TeamRecord | undefined> {
    const row = await this.one(`SELECT ${rows.teamColumns} FROM teams WHERE name = $1`, [name]);
    return row && rows.rowToTeam(row);
  }

  async listTeams(): Promise<TeamRecord[]> {
    // COLLATE "C" sorts by code point like SQLite does, whatever the database's locale.
    return (await this.all(`SELECT ${rows.teamColumns} FROM teams ORDER BY name COLLATE "C"`)).map(rows.rowToTeam);
  }

  async updateTeam(id: string, patch: TeamPatch): Promise<TeamRecord | undefined> {
    const entries = patchEntries(patch, teamPatchFields);
    if (entries.length === 0) return this.getTeam(id);
    const row = await this.update('teams', rows.teamColumns, id, entries).catch((error: unknown) => {
      throw isUniqueViolation(error) ? conflicts.teamName(String(patch.name)) : error;
    });
    return row && rows.rowToTeam(row);
  }

  async deleteTeam(id: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM teams WHERE id = $1', [id])).rowCount === 1;
  }

  async insertKey(key: KeyRecord): Promise<void> {
    await this.write(
      `INSERT INTO keys (${rows.keyColumns})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11::jsonb, $12::jsonb, $13, $14)`,
      rows.keyParameters(key),
      () => conflicts.keyName(key.team_id, key.name),
      () => conflicts.id('key', key.id),
      (error) => missingTeamError(key.team_id, error),
    );
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const row = await this.one(`SELECT ${rows.keyColumns} FROM keys WHERE id = $1`, [id]);
    return row && rows.rowToKey(row);
  }

  async findKeyBySecretHash(hash: string): Promise<KeyRecord | undefined> {
    // Both hash columns are indexed (a BitmapOr); the current hash wins over a previous one.
    const row = await this.one(
      `SELECT ${rows.keyColumns} FROM keys WHERE secret_hash = $1 OR previous_secret_hash = $1
       ORDER BY secret_hash = $1 DESC LIMIT 1`,
      [hash],
    );
    return row && rows.rowToKey(row);
  }

  async listKeys(filter: { teamId?: string } = {}): Promise<KeyRecord[]> {
    const found =
      filter.teamId === undefined
        ? await this.all(`SELECT ${rows.keyColumns} FROM keys ORDER BY created_at COLLATE "C", id COLLATE "C"`)
        : await this.all(
            `SELECT ${rows.keyColumns} FROM keys WHERE team_id = $1 ORDER BY created_at COLLATE "C", id COLLATE "C"`,
            [filter.teamId],
          );
    return found.map(rows.rowToKey);
  }

  async updateKey(id: string, patch: KeyPatch): Promise<KeyRecord | undefined> {
    const entries = patchEntries(patch, keyPatchFields);
    if (entries.length === 0) return this.getKey(id);
    const row = await this.update('keys', rows.keyColumns, id, entries).catch(async (error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      // The message names the key's team, which only the stored row knows.
      const current = await this.getKey(id);
      throw conflicts.keyName(current?.team_id ?? '?', String(patch.name));
    });
    return row && rows.rowToKey(row);
  }

  async deleteKey(id: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM keys WHERE id = $1', [id])).rowCount === 1;
  }

  async insertCredential(credential: CredentialRecord): Promise<void> {
    await this.write(
      `INSERT INTO credentials (${rows.credentialColumns}) VALUES ($1, $2, $3, $4, $5, $6)`,
      rows.credentialParameters(credential),
      () => conflicts.credentialName(credential.provider, credential.name),
      () => conflicts.id('credential', credential.id),
    );
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    const row = await this.one(`SELECT ${rows.credentialColumns} FROM credentials WHERE id = $1`, [id]);
    return row && rows.rowToCredential(row);
  }

  async listCredentials(filter: { provider?: string } = {}): Promise<CredentialRecord[]> {
    const found =
      filter.provider === undefined
        ? await this.all(`SELECT ${rows.credentialColumns} FROM credentials ORDER BY provider COLLATE "C", name COLLATE "C"`)
        : await this.all(
            `SELECT ${rows.credentialColumns} FROM credentials WHERE provider = $1 ORDER BY name COLLATE "C"`,
            [filter.provider],
          );
    return found.map(rows.rowToCredential);
  }

  async deleteCredential(id: string): Promise<boolean> {
    return (await this.pool.query('DELETE FROM credentials WHERE id = $1', [id])).rowCount === 1;
  }

  async appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const row = await this.one(
      `INSERT INTO audit_log (at, actor, action, target_type, target_id, details)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING ${rows.auditColumns}`,
      rows.auditParameters(entry),
    );
    return rows.rowToAudit(row!);
  }

  async listAudit(options: { limit?: number; before?: number } = {}): Promise<AuditRecord[]> {
    const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_AUDIT_LIMIT));
    const found =
      options.before === undefined
        ? await this.all(`SELECT ${rows.auditColumns} FROM audit_log ORDER BY id DESC LIMIT $1`, [limit])
        : await this.all(`SELECT ${rows.auditColumns} FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2`, [
            options.before,
            limit,
          ]);
    return found.map(rows.rowToAudit);
  }

  async getSetting(name: string): Promise<string | undefined> {
    const row = await this.one('SELECT value FROM settings WHERE name = $1', [name]);
    return row ? (row.value as string) : undefined;
  }

  async setSettingIfAbsent(name: string, value: string): Promise<boolean> {
    const result = await this.pool.query(
      'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [name, value],
    );
    return result.rowCount === 1;
  }

  async addUsage(usage: readonly UsageRow[]): Promise<void> {
    await addPostgresUsage(this.pool, usage);
  }

  async queryUsage(query: UsageQuery): Promise<UsageTotals[]> {
    return queryPostgresUsage(this.pool, query);
  }

  async insertRequestLogs(records: readonly RequestLogRecord[]): Promise<void> {
    await insertPostgresRequestLogs(this.pool, records);
  }

  async queryRequestLogs(query: RequestLogQuery): Promise<RequestLogPage> {
    return queryPostgresRequestLogs(this.pool, query);
  }

  async getRequestLog(id: string): Promise<RequestLogRecord | undefined> {
    return getPostgresRequestLog(this.pool, id);
  }

  async pruneRequestLogs(pruning: RequestLogPruning): Promise<number> {
    return prunePostgresRequestLogs(this.pool, pruning);
  }

  async putRequestFeedback(feedback: RequestFeedbackRecord): Promise<void> {
    await putPostgresRequestFeedback(this.pool, feedback);
  }

  async getRequestFeedback(requestId: string): Promise<RequestFeedbackRecord | undefined> {
    return getPostgresRequestFeedback(this.pool, requestId);
  }

  async queryAnalytics(query: AnalyticsQuery): Promise<AnalyticsCell[]> {
    return queryPostgresAnalytics(this.pool, query);
  }

  async saveAlertDelivery(record: AlertDeliveryRecord): Promise<void> {
    await savePostgresAlertDelivery(this.pool, record);
  }

  async listAlertDeliveries(query: AlertDeliveryQuery): Promise<AlertDeliveryPage> {
    return listPostgresAlertDeliveries(this.pool, query);
  }

  async pruneAlertDeliveries(before: string): Promise<number> {
    return prunePostgresAlertDeliveries(this.pool, before);
  }

  private async one(sql: string, values: unknown[]): Promise<Row | undefined> {
    return (await this.pool.query<Row>(sql, values)).rows[0];
  }

  private async all(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query<Row>(sql, values)).rows;
  }

  /** One UPDATE of the patched columns only, so concurrent patches of other fields are not lost. */
  private async update(
    table: 'teams' | 'keys',
    columns: string,
    id: string,
    entries: [string, unknown][],
  ): Promise<Row | undefined> {
    // Column names come from the patch-field whitelists, never from the caller's object keys.
    const assignments = entries.map(
      ([column], index) => `${column} = $${index + 2}${rows.jsonColumns.has(column) ? '::jsonb' : ''}`,
    );
    const values = [id, ...entries.map(([column, value]) => rows.columnParameter(column, value))];
    const sql = `UPDATE ${table} SET ${assignments.join(', ')} WHERE id = $1 RETURNING ${columns}`;
    return this.one(sql, values);
  }

  /** Runs an INSERT, mapping constraint violations to the errors callers handle. */
  private async write(
    sql: string,
    values: unknown[],
    nameConflict: () => Error,
    idConflict: () => Error,
    foreignKey?: (error: unknown) => Error,
  ): Promise<void> {
    try {
      await this.pool.query(sql, values);
    } catch (error) {
      const { code, constraint } = error as PgError;
      if (isUniqueViolation(error)) throw constraint?.endsWith('_pkey') ? idConflict() : nameConflict();
      if (code === '23503' && foreignKey) throw foreignKey(error);
      throw error;
    }
  }
}

/** 23505 is unique_violation; the only unique constraints besides primary keys are the name ones. */
function isUniqueViolation(error: unknown): boolean {
  return (error as PgError | undefined)?.code === '23505';
}
