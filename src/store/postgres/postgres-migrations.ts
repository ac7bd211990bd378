import type { StoreMigration } from '../store-migration.js';

/**
 * PostgreSQL schema, oldest first. Append new entries with the next version; never edit a
 * shipped one. Names are unqualified so the store's search_path picks the schema.
 *
 * Timestamps are `text`, not `timestamptz`: the services hand over ISO strings and must get
 * back exactly what they stored (`timestamptz` would return a Date and drop the original form).
 * ISO-8601 UTC strings still sort correctly as text. Arrays and objects are `jsonb`.
 */
export const postgresMigrations: readonly StoreMigration[] = [
  {
    version: 1,
    name: 'teams, keys, credentials, audit log, settings',
    sql: `
      CREATE TABLE teams (
        id             text PRIMARY KEY,
        name           text NOT NULL CONSTRAINT teams_name_unique UNIQUE,
        allowed_models jsonb,
        limits         jsonb NOT NULL,
        metadata       jsonb NOT NULL,
        created_at     text NOT NULL,
        updated_at     text NOT NULL
      );

      CREATE TABLE keys (
        id                         text PRIMARY KEY,
        team_id                    text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
        name                       text NOT NULL,
        secret_prefix              text NOT NULL,
        secret_hash                text NOT NULL,
        previous_secret_hash       text,
        previous_secret_expires_at text,
        allowed_models             jsonb,
        expires_at                 text,
        disabled                   boolean NOT NULL,
        metadata                   jsonb NOT NULL,
        limits                     jsonb NOT NULL,
        created_at                 text NOT NULL,
        updated_at                 text NOT NULL,
        -- Its index starts with team_id, so it also serves the cascade and per-team listings.
        CONSTRAINT keys_team_name_unique UNIQUE (team_id, name)
      );
      -- Every authenticated request looks a key up by hash, the previous one during rotation grace.
      CREATE INDEX keys_secret_hash_index ON keys (secret_hash);
      CREATE INDEX keys_previous_secret_hash_index ON keys (previous_secret_hash)
        WHERE previous_secret_hash IS NOT NULL;

      CREATE TABLE credentials (
        id               text PRIMARY KEY,
        provider         text NOT NULL,
        name             text NOT NULL,
        weight           double precision NOT NULL,
        encrypted_secret text NOT NULL,
        created_at       text NOT NULL,
        CONSTRAINT credentials_provider_name_unique UNIQUE (provider, name)
      );

      CREATE TABLE audit_log (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at          text NOT NULL,
        actor       text NOT NULL,
        action      text NOT NULL,
        target_type text NOT NULL,
        target_id   text,
        details     jsonb NOT NULL
      );

      CREATE TABLE settings (
        name  text PRIMARY KEY,
        value text NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'usage: daily totals per key, team, route, provider and model',
    // No foreign keys: usage history outlives deleted keys and teams. '' stands for "none".
    sql: `
      CREATE TABLE usage_daily (
        day                text NOT NULL,
        key_id             text NOT NULL,
        team_id            text NOT NULL,
        route              text NOT NULL,
        provider           text NOT NULL,
        model              text NOT NULL,
        requests           bigint NOT NULL,
        prompt_tokens      bigint NOT NULL,
        completion_tokens  bigint NOT NULL,
        total_tokens       bigint NOT NULL,
        cached_tokens      bigint NOT NULL,
        cache_write_tokens bigint NOT NULL,
        reasoning_tokens   bigint NOT NULL,
        cost_usd           double precision NOT NULL,
        unpriced_requests  bigint NOT NULL,
        estimated_requests bigint NOT NULL,
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
        latency_ms        double precision NOT NULL,
        first_token_ms    double precision,
        prompt_tokens     INTEGER,
        completion_tokens INTEGER,
        cached_tokens     INTEGER,
        reasoning_tokens  INTEGER,
        usage_estimated   boolean,
        cost_usd          double precision,
        cache_status      TEXT,
        attempts          jsonb NOT NULL,
        guardrails        jsonb NOT NULL,
        metadata          jsonb NOT NULL,
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
        score      double precision NOT NULL,
        comment    TEXT,
        metadata   jsonb NOT NULL,
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
        payload      jsonb NOT NULL,
        attempt_log  jsonb NOT NULL,
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
      ALTER TABLE usage_daily ADD COLUMN cache_hits bigint NOT NULL DEFAULT 0;
      ALTER TABLE usage_daily ADD COLUMN cost_saved_usd double precision NOT NULL DEFAULT 0;
      ALTER TABLE request_logs ADD COLUMN cost_saved_usd double precision;
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
    name: 'semantic cache: prompt vectors per bucket (src/cache/semantic/postgres-vector-store.ts)',
    // real[] rather than pgvector's type: pgvector is not on stock PostgreSQL, and pgvector can
    // still cast real[] where it is. No foreign keys: entries are disposable and expire.
    sql: `
      CREATE TABLE semantic_cache_entries (
        bucket        text NOT NULL,
        id            text NOT NULL,
        embedding     real[] NOT NULL,
        answer        text NOT NULL,
        expires_at_ms bigint NOT NULL,
        used_at_ms    bigint NOT NULL,
        PRIMARY KEY (bucket, id)
      );
      CREATE INDEX semantic_cache_entries_expiry_index ON semantic_cache_entries (expires_at_ms);
    `,
  },
  {
    version: 9,
    name: 'request log: metadata entries indexed by key, value and time',
    // One row per metadata key of a log, values as jsonb_each_text prints them (the SQLite store
    // writes the same text), so a metadata key/value filter reads an index range instead of every
    // row's jsonb. The insert fills it in the same statement (postgres-request-logs.ts). BRIN on
    // log_at serves pruning: entries arrive in about time order, and a BRIN index costs an
    // insert almost nothing. No foreign key: entries go with their logs in the prune.
    sql: `
      CREATE TABLE request_log_metadata (
        meta_key   text NOT NULL,
        meta_value text NOT NULL,
        log_at     text NOT NULL,
        log_id     text NOT NULL
      );
      INSERT INTO request_log_metadata (meta_key, meta_value, log_at, log_id)
        SELECT pair.key, pair.value, log.at, log.id
        FROM request_logs AS log CROSS JOIN LATERAL jsonb_each_text(log.metadata) AS pair
        WHERE pair.value IS NOT NULL
        ORDER BY log.at, log.id;
      CREATE INDEX request_log_metadata_pair_index ON request_log_metadata (meta_key, meta_value, log_at, log_id);
      CREATE INDEX request_log_metadata_at_index ON request_log_metadata USING brin (log_at);
    `,
  },
];
