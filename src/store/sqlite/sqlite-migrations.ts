import type { StoreMigration } from '../store-migration.js';
import { sqliteMetadataText } from '../../observability/sqlite-metadata-text.js';

/**
 * SQLite schema, oldest first. Append new entries with the next version; never edit a shipped one.
 *
 * Conventions: timestamps are TEXT holding the ISO string exactly as the services gave it
 * (ISO-8601 UTC strings also sort correctly as text); arrays and objects are JSON TEXT;
 * booleans are INTEGER 0/1. Constraint names mirror the PostgreSQL ones.
 */
export const sqliteMigrations: readonly StoreMigration[] = [
  {
    version: 1,
    name: 'teams, keys, credentials, audit log, settings',
    sql: `
      CREATE TABLE teams (
        id             TEXT PRIMARY KEY,
        name           TEXT NOT NULL CONSTRAINT teams_name_unique UNIQUE,
        allowed_models TEXT,
        limits         TEXT NOT NULL,
        metadata       TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
      );

      CREATE TABLE keys (
        id                         TEXT PRIMARY KEY,
        team_id                    TEXT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
        name                       TEXT NOT NULL,
        secret_prefix              TEXT NOT NULL,
        secret_hash                TEXT NOT NULL,
        previous_secret_hash       TEXT,
        previous_secret_expires_at TEXT,
        allowed_models             TEXT,
        expires_at                 TEXT,
        disabled                   INTEGER NOT NULL CHECK (disabled IN (0, 1)),
        metadata                   TEXT NOT NULL,
        limits                     TEXT NOT NULL,
        created_at                 TEXT NOT NULL,
        updated_at                 TEXT NOT NULL,
        CONSTRAINT keys_team_name_unique UNIQUE (team_id, name)
      );
      -- Every authenticated request looks a key up by hash, the previous one during rotation grace.
      CREATE INDEX keys_secret_hash_index ON keys (secret_hash);
      CREATE INDEX keys_previous_secret_hash_index ON keys (previous_secret_hash)
        WHERE previous_secret_hash IS NOT NULL;

      CREATE TABLE credentials (
        id               TEXT PRIMARY KEY,
        provider         TEXT NOT NULL,
        name             TEXT NOT NULL,
        weight           REAL NOT NULL,
        encrypted_secret TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        CONSTRAINT credentials_provider_name_unique UNIQUE (provider, name)
      );

      -- AUTOINCREMENT so an id is never reused after deletes: ids are paging cursors.
      CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        target_type TEXT NOT NULL,
        target_id   TEXT,
        details     TEXT NOT NULL
      );

      CREATE TABLE settings (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'usage: daily totals per key, team, route, provider and model',
    // No foreign keys: usage history outlives deleted keys and teams. '' stands for "none".
    sql: `
      CREATE TABLE usage_daily (
        day                TEXT NOT NULL,
        key_id             TEXT NOT NULL,
        team_id            TEXT NOT NULL,
        route              TEXT NOT NULL,
        provider           TEXT NOT NULL,
        model              TEXT NOT NULL,
        requests           INTEGER NOT NULL,
        prompt_tokens      INTEGER NOT NULL,
        completion_tokens  INTEGER NOT NULL,
        total_tokens       INTEGER NOT NULL,
        cached_tokens      INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        reasoning_tokens   INTEGER NOT NULL,
        cost_usd           REAL NOT NULL,
        unpriced_requests  INTEGER NOT NULL,
        estimated_requests INTEGER NOT NULL,
        PRIMARY KEY (day, key_id, team_id, route, provider, model)
      );
      -- The primary key serves day ranges; these serve one key's or team's spend.
      CREATE INDEX usage_daily_key_index ON usage_daily (key_id, day);
      CREATE INDEX usage_daily_team_index ON usage_daily (team_id, day);
    `,
  },
  {
    version: 3,
    name: 'request log: one row per data-plane request',
    // No foreign keys: logs outlive deleted keys and teams. Each index leads with its filter column
    // and ends with (at, id) so filtered pages stay index range scans at millions of rows.
    sql: `
      CREATE TABLE request_logs (
        id                TEXT PRIMARY KEY,
        at                TEXT NOT NULL,
        key_id            TEXT,
        team_id           TEXT,
        route             TEXT,
        provider          TEXT,
        model_requested   TEXT,
        model_served      TEXT,
        endpoint          TEXT NOT NULL,
        status            INTEGER NOT NULL,
        error_code        TEXT,
        latency_ms        REAL NOT NULL,
        first_token_ms    REAL,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        cached_tokens     INTEGER,
        reasoning_tokens  INTEGER,
        usage_estimated   INTEGER,
        cost_usd          REAL,
        cache_status      TEXT,
        attempts          TEXT NOT NULL,
        guardrails        TEXT NOT NULL,
        metadata          TEXT NOT NULL,
        client_ip         TEXT,
        user_agent        TEXT,
        trace_id          TEXT,
        request_body      TEXT,
        response_body     TEXT
      );
      CREATE INDEX request_logs_at_index ON request_logs (at, id);
      CREATE INDEX request_logs_key_index ON request_logs (key_id, at, id);
      CREATE INDEX request_logs_team_index ON request_logs (team_id, at, id);
      CREATE INDEX request_logs_model_index ON request_logs (model_served, at, id);
      CREATE INDEX request_logs_status_index ON request_logs (status, at, id);
    `,
  },
  {
    version: 4,
    name: 'request feedback: one row per request, the latest feedback wins',
    // Its own table, not columns of request_logs: feedback can arrive before the log batch
    // holding its request is flushed. No foreign key for the same reason. The at index serves pruning.
    sql: `
      CREATE TABLE request_feedback (
        request_id TEXT PRIMARY KEY NOT NULL,
        key_id     TEXT,
        team_id    TEXT,
        score      REAL NOT NULL,
        comment    TEXT,
        metadata   TEXT NOT NULL,
        at         TEXT NOT NULL
      );
      CREATE INDEX request_feedback_at_index ON request_feedback (at);
    `,
  },
  {
    version: 5,
    name: 'alert deliveries: one row per notification and webhook, updated after each attempt',
    // Never the webhook's URL or headers (they may carry secrets): only its name.
    sql: `
      CREATE TABLE alert_deliveries (
        id           TEXT PRIMARY KEY,
        alert_id     TEXT NOT NULL,
        rule         TEXT NOT NULL,
        webhook      TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts     INTEGER NOT NULL,
        status_code  INTEGER,
        error        TEXT,
        payload      TEXT NOT NULL,
        attempt_log  TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        delivered_at TEXT,
        failed_at    TEXT
      );
      CREATE INDEX alert_deliveries_created_index ON alert_deliveries (created_at, id);
      CREATE INDEX alert_deliveries_rule_index ON alert_deliveries (rule, created_at, id);
    `,
  },
  {
    version: 6,
    name: 'response cache: hits and the cost they saved, in usage totals and the request log',
    sql: `
      ALTER TABLE usage_daily ADD COLUMN cache_hits INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE usage_daily ADD COLUMN cost_saved_usd REAL NOT NULL DEFAULT 0;
      ALTER TABLE request_logs ADD COLUMN cost_saved_usd REAL;
    `,
  },
  {
    version: 7,
    name: 'request log: index on the requested model',
    // The model filter matches the requested or the served model; each side is an ordered index
    // range (request-log-sql.ts), so both columns need their (column, at, id) index.
    sql: `
      CREATE INDEX request_logs_model_requested_index ON request_logs (model_requested, at, id);
    `,
  },
  {
    version: 8,
    name: 'semantic cache: nothing for SQLite (kept in step with PostgreSQL)',
    // The semantic cache's embedded mode keeps its vectors in memory; only its shared PostgreSQL
    // backend has a table. The version is taken here too so both dialects list the same versions.
    sql: 'SELECT 1',
  },
  {
    version: 9,
    name: 'request log: metadata entries indexed by key, value and time',
    // One entry per metadata key of a log (values as text, like PostgreSQL's jsonb_each_text), so a
    // metadata key/value filter reads a range of this table's key instead of every row's JSON.
    // WITHOUT ROWID: the key is the only B-tree, one insert per entry (a rowid table would add a
    // second, and double the size). Filled by the log writer; pruned with its logs, entry by entry
    // (sqlite-request-logs.ts). The rows already logged get their entries here, sorted by the key so
    // that they are appended rather than inserted at random.
    sql: `
      CREATE TABLE request_log_metadata (
        meta_key   TEXT NOT NULL,
        meta_value TEXT NOT NULL,
        log_at     TEXT NOT NULL,
        log_id     TEXT NOT NULL,
        PRIMARY KEY (meta_key, meta_value, log_at, log_id)
      ) WITHOUT ROWID;
      INSERT OR IGNORE INTO request_log_metadata (meta_key, meta_value, log_at, log_id)
        SELECT pair.key, ${sqliteMetadataText('pair')}, log.at, log.id
        FROM request_logs AS log, json_each(log.metadata) AS pair
        WHERE pair.type <> 'null'
        ORDER BY 1, 2, 3, 4;
    `,
  },
];
