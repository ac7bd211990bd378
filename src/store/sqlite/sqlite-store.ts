import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import type { AuditRecord, CredentialRecord, KeyPatch, KeyRecord, TeamPatch, TeamRecord } from '../store-records.js';
import type { Store } from '../store.js';
import { conflicts, missingTeamError } from '../store-conflicts.js';
import { definedPatch, keyPatchFields, teamPatchFields } from '../store-patches.js';
import { assertMigrationsOrdered, pendingMigrations, type StoreMigration } from '../store-migration.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import * as rows from './sqlite-rows.js';
import type { UsageQuery, UsageRow, UsageTotals } from '../../usage/usage-records.js';
import { addSqliteUsage, querySqliteUsage } from '../../usage/sqlite-usage.js';
import type { RequestLogPage, RequestLogPruning, RequestLogQuery, RequestLogRecord } from '../../observability/request-log-record.js';
import { getSqliteRequestLog, insertSqliteRequestLogs, pruneSqliteRequestLogs, querySqliteRequestLogs, sqliteLogRows } from '../../observability/sqlite-request-logs.js';
import { SqliteLogWriteThread } from '../../observability/sqlite-log-write-thread.js';
import type { RequestFeedbackRecord } from '../../observability/request-feedback-record.js';
import { getSqliteRequestFeedback, putSqliteRequestFeedback } from '../../observability/sqlite-request-feedback.js';
import type { AnalyticsCell, AnalyticsQuery } from '../../observability/analytics-query.js';
import { querySqliteAnalytics } from '../../observability/sqlite-analytics.js';
import type { AlertDeliveryPage, AlertDeliveryQuery, AlertDeliveryRecord } from '../../alerts/alert-delivery-record.js';
import { listSqliteAlertDeliveries, pruneSqliteAlertDeliveries, saveSqliteAlertDelivery } from '../../alerts/sqlite-alert-deliveries.js';

type Row = Record<string, unknown>;

/** How long a writer waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
const DEFAULT_AUDIT_LIMIT = 100;

/** Error codes are libsql's (the same as better-sqlite3's): extended SQLite result codes. */
function sqliteCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? ((error as { code?: unknown }).code as string | undefined) : undefined;
}

function prepareStatements(db: Database.Database) {
  return {
    insertTeam: db.prepare(
      `INSERT INTO teams (${rows.teamColumns})
       VALUES (@id, @name, @allowed_models, @limits, @metadata, @created_at, @updated_at)`,
    ),
    getTeam: db.prepare(`SELECT ${rows.teamColumns} FROM teams WHERE id = ?`),
    getTeamByName: db.prepare(`SELECT ${rows.teamColumns} FROM teams WHERE name = ?`),
    listTeams: db.prepare(`SELECT ${rows.teamColumns} FROM teams ORDER BY name`),
    updateTeam: db.prepare(
      `UPDATE teams SET name = @name, allowed_models = @allowed_models, limits = @limits,
         metadata = @metadata, updated_at = @updated_at WHERE id = @id`,
    ),
    deleteTeam: db.prepare('DELETE FROM teams WHERE id = ?'),

    insertKey: db.prepare(
      `INSERT INTO keys (${rows.keyColumns})
       VALUES (@id, @name, @team_id, @secret_prefix, @secret_hash, @previous_secret_hash,
         @previous_secret_expires_at, @allowed_models, @expires_at, @disabled, @metadata, @limits,
         @created_at, @updated_at)`,
    ),
    getKey: db.prepare(`SELECT ${rows.keyColumns} FROM keys WHERE id = ?`),
    // Two lookups rather than one OR so each uses its own index and the current hash wins.
    findKeyByHash: db.prepare(`SELECT ${rows.keyColumns} FROM keys WHERE secret_hash = ? LIMIT 1`),
    findKeyByPreviousHash: db.prepare(`SELECT ${rows.keyColumns} FROM keys WHERE previous_secret_hash = ? LIMIT 1`),
    listKeys: db.prepare(`SELECT ${rows.keyColumns} FROM keys ORDER BY created_at, id`),
    listTeamKeys: db.prepare(`SELECT ${rows.keyColumns} FROM keys WHERE team_id = ? ORDER BY created_at, id`),
    updateKey: db.prepare(
      `UPDATE keys SET name = @name, secret_prefix = @secret_prefix, secret_hash = @secret_hash,
         previous_secret_hash = @previous_secret_hash, previous_secret_expires_at = @previous_secret_expires_at,
         allowed_models = @allowed_models, expires_at = @expires_at, disabled = @disabled,
         metadata = @metadata, limits = @limits, updated_at = @updated_at
       WHERE id = @id`,
    ),
    deleteKey: db.prepare('DELETE FROM keys WHERE id = ?'),

    insertCredential: db.prepare(
      `INSERT INTO credentials (${rows.credentialColumns})
       VALUES (@id, @provider, @name, @weight, @encrypted_secret, @created_at)`,
    ),
    getCredential: db.prepare(`SELECT ${rows.credentialColumns} FROM credentials WHERE id = ?`),
    listCredentials: db.prepare(`SELECT ${rows.credentialColumns} FROM credentials ORDER BY provider, name`),
    listProviderCredentials: db.prepare(
      `SELECT ${rows.credentialColumns} FROM credentials WHERE provider = ? ORDER BY name`,
    ),
    deleteCredential: db.prepare('DELETE FROM credentials WHERE id = ?'),

    appendAudit: db.prepare(
      `INSERT INTO audit_log (at, actor, action, target_type, target_id, details)
       VALUES (@at, @actor, @action, @target_type, @target_id, @details)`,
    ),
    // Separate statements so the paged one walks the primary key from `before` down.
    listAudit: db.prepare(`SELECT ${rows.auditColumns} FROM audit_log ORDER BY id DESC LIMIT ?`),
    listAuditBefore: db.prepare(`SELECT ${rows.auditColumns} FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`),

    getSetting: db.prepare('SELECT value FROM settings WHERE name = ?'),
    setSettingIfAbsent: db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
  };
}

export interface SqliteStoreOptions {
  /** Defaults to the built-in list; tests pass their own to exercise upgrades. */
  migrations?: readonly StoreMigration[];
}

/**
 * The embedded store: one SQLite file (or `:memory:`) through libsql's synchronous,
 * better-sqlite3-compatible API. Calls complete within one turn of the event loop, so in one
 * process they never interleave; WAL plus a busy timeout lets several processes share a file.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  /** Request-log rows go through a writer thread of their own (file databases only). */
  private readonly logWriter: SqliteLogWriteThread | undefined;
  private readonly migrations: readonly StoreMigration[];
  private prepared: ReturnType<typeof prepareStatements> | undefined;

  constructor(readonly path: string, options: SqliteStoreOptions = {}) {
    this.migrations = options.migrations ?? sqliteMigrations;
    assertMigrationsOrdered(this.migrations);
    if (path !== ':memory:' && !path.startsWith('file:')) mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // busy_timeout first: switching to WAL needs a lock another starting process may hold.
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commits.
    this.db.pragma('synchronous = NORMAL');
    // Per connection. libsql turns it on already, but stock SQLite (better-sqlite3) does not,
    // and without it ON DELETE CASCADE silently does nothing.
    this.db.pragma('foreign_keys = ON');
    // Another connection can open a file, not a private in-memory database.
    const inMemory = path === ':memory:' || (path.startsWith('file:') && path.includes('mode=memory'));
    if (!inMemory) this.logWriter = new SqliteLogWriteThread(path, BUSY_TIMEOUT_MS);
  }

  /** Prepared on first use, not in the constructor: the tables exist only after migrate(). */
  private get statements(): ReturnType<typeof prepareStatements> {
    this.prepared ??= prepareStatements(this.db);
    return this.prepared;
  }

  async migrate(): Promise<void> {
    // IMMEDIATE takes the write lock before reading which versions are applied, so a second
    // process starting at the same moment waits and then finds nothing left to do.
    this.db
      .transaction(() => {
        this.db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
          version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)`);
        const applied = this.db.prepare('SELECT version FROM schema_migrations').all() as Row[];
        const record = this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)');
        for (const migration of pendingMigrations(this.migrations, applied.map((row) => Number(row.version)))) {
          this.db.exec(migration.sql);
          record.run(migration.version, new Date().toISOString());
        }
      })
      .immediate();
  }

  async close(): Promise<void> {
    await this.logWriter?.close();
    if (this.db.open) this.db.close();
  }

  async insertTeam(team: TeamRecord): Promise<void> {
    try {
      this.statements.insertTeam.run(rows.teamParameters(team));
    } catch (error) {
      throw this.translate(error, () => conflicts.teamName(team.name), () => conflicts.id('team', team.id));
    }
  }

  async getTeam(id: string): Promise<TeamRecord | undefined> {
    const row = this.statements.getTeam.get(id) as Row | undefined;
    return row && rows.rowToTeam(row);
  }

  async getTeamByName(name: string): Promise<TeamRecord | undefined> {
    const row = this.statements.getTeamByName.get(name) as Row | undefined;
    return row && rows.rowToTeam(row);
  }

  async listTeams(): Promise<TeamRecord[]> {
    return (this.statements.listTeams.all() as Row[]).map(rows.rowToTeam);
  }

  async updateTeam(id: string, patch: TeamPatch): Promise<TeamRecord | undefined> {
    // Read, merge and write in one immediate transaction: no other process can slip in between.
    return this.db
      .transaction(() => {
        const current = this.statements.getTeam.get(id) as Row | undefined;
        if (!current) return undefined;
        const updated = { ...rows.rowToTeam(current), ...definedPatch(patch, teamPatchFields) };
        try {
          this.statements.updateTeam.run(rows.teamParameters(updated));
        } catch (error) {
          throw this.translate(error, () => conflicts.teamName(updated.name));
        }
        return updated;
      })
      .immediate();
  }

  async deleteTeam(id: string): Promise<boolean> {
    return this.statements.deleteTeam.run(id).changes > 0;
  }

  async insertKey(key: KeyRecord): Promise<void> {
    try {
      this.statements.insertKey.run(rows.keyParameters(key));
    } catch (error) {
      throw this.translate(
        error,
        () => conflicts.keyName(key.team_id, key.name),
        () => conflicts.id('key', key.id),
        () => missingTeamError(key.team_id, error),
      );
    }
  }

  async getKey(id: string): Promise<KeyRecord | undefined> {
    const row = this.statements.getKey.get(id) as Row | undefined;
    return row && rows.rowToKey(row);
  }

  async findKeyBySecretHash(hash: string): Promise<KeyRecord | undefined> {
    const row = (this.statements.findKeyByHash.get(hash) ?? this.statements.findKeyByPreviousHash.get(hash)) as
      | Row
      | undefined;
    return row && rows.rowToKey(row);
  }

  async listKeys(filter: { teamId?: string } = {}): Promise<KeyRecord[]> {
    const found =
      filter.teamId === undefined ? this.statements.listKeys.all() : this.statements.listTeamKeys.all(filter.teamId);
    return (found as Row[]).map(rows.rowToKey);
  }

  async updateKey(id: string, patch: KeyPatch): Promise<KeyRecord | undefined> {
    return this.db
      .transaction(() => {
        const current = this.statements.getKey.get(id) as Row | undefined;
        if (!current) return undefined;
        const updated = { ...rows.rowToKey(current), ...definedPatch(patch, keyPatchFields) };
        try {
          this.statements.updateKey.run(rows.keyParameters(updated));
        } catch (error) {
          throw this.translate(error, () => conflicts.keyName(updated.team_id, updated.name));
        }
        return updated;
      })
      .immediate();
  }

  async deleteKey(id: string): Promise<boolean> {
    return this.statements.deleteKey.run(id).changes > 0;
  }

  async insertCredential(credential: CredentialRecord): Promise<void> {
    try {
      this.statements.insertCredential.run(rows.credentialParameters(credential));
    } catch (error) {
      throw this.translate(
        error,
        () => conflicts.credentialName(credential.provider, credential.name),
        () => conflicts.id('credential', credential.id),
      );
    }
  }

  async getCredential(id: string): Promise<CredentialRecord | undefined> {
    const row = this.statements.getCredential.get(id) as Row | undefined;
    return row && rows.rowToCredential(row);
  }

  async listCredentials(filter: { provider?: string } = {}): Promise<CredentialRecord[]> {
    const found =
      filter.provider === undefined
        ? this.statements.listCredentials.all()
        : this.statements.listProviderCredentials.all(filter.provider);
    return (found as Row[]).map(rows.rowToCredential);
  }

  async deleteCredential(id: string): Promise<boolean> {
    return this.statements.deleteCredential.run(id).changes > 0;
  }

  async appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const parameters = rows.auditParameters(entry);
    const result = this.statements.appendAudit.run(parameters);
    // Built from the stored text, so the caller gets exactly what a later read returns.
    return rows.rowToAudit({ ...parameters, id: result.lastInsertRowid });
  }

  async listAudit(options: { limit?: number; before?: number } = {}): Promise<AuditRecord[]> {
    const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_AUDIT_LIMIT));
    const found =
      options.before === undefined
        ? this.statements.listAudit.all(limit)
        : this.statements.listAuditBefore.all(options.before, limit);
    return (found as Row[]).map(rows.rowToAudit);
  }

  async getSetting(name: string): Promise<string | undefined> {
    const row = this.statements.getSetting.get(name) as Row | undefined;
    return row ? (row.value as string) : undefined;
  }

  async setSettingIfAbsent(name: string, value: string): Promise<boolean> {
    return this.statements.setSettingIfAbsent.run(name, value).changes === 1;
  }

  async addUsage(usage: readonly UsageRow[]): Promise<void> {
    addSqliteUsage(this.db, usage);
  }

  async queryUsage(query: UsageQuery): Promise<UsageTotals[]> {
    return querySqliteUsage(this.db, query);
  }

  async insertRequestLogs(records: readonly RequestLogRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (!this.logWriter) return insertSqliteRequestLogs(this.db, records);
    await this.logWriter.write(sqliteLogRows(records).rows);
  }

  async queryRequestLogs(query: RequestLogQuery): Promise<RequestLogPage> {
    return querySqliteRequestLogs(this.db, query);
  }

  async getRequestLog(id: string): Promise<RequestLogRecord | undefined> {
    return getSqliteRequestLog(this.db, id);
  }

  async pruneRequestLogs(pruning: RequestLogPruning): Promise<number> {
    return pruneSqliteRequestLogs(this.db, pruning);
  }

  async putRequestFeedback(feedback: RequestFeedbackRecord): Promise<void> {
    await putSqliteRequestFeedback(this.db, feedback);
  }

  async getRequestFeedback(requestId: string): Promise<RequestFeedbackRecord | undefined> {
    return getSqliteRequestFeedback(this.db, requestId);
  }

  async queryAnalytics(query: AnalyticsQuery): Promise<AnalyticsCell[]> {
    return querySqliteAnalytics(this.db, query);
  }

  async saveAlertDelivery(record: AlertDeliveryRecord): Promise<void> {
    saveSqliteAlertDelivery(this.db, record);
  }

  async listAlertDeliveries(query: AlertDeliveryQuery): Promise<AlertDeliveryPage> {
    return listSqliteAlertDeliveries(this.db, query);
  }

  async pruneAlertDeliveries(before: string): Promise<number> {
    return pruneSqliteAlertDeliveries(this.db, before);
  }

  /**
   * Maps constraint failures to the errors callers handle; anything else passes through.
   * The only UNIQUE constraints besides primary keys are the name ones, so UNIQUE means "name".
   */
  private translate(
    error: unknown,
    nameConflict: () => Error,
    idConflict?: () => Error,
    foreignKey?: () => Error,
  ): unknown {
    const code = sqliteCode(error);
    if (code === 'SQLITE_CONSTRAINT_UNIQUE') return nameConflict();
    if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' && idConflict) return idConflict();
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' && foreignKey) return foreignKey();
    return error;
  }
}
