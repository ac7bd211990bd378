import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'libsql';
import pg from 'pg';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { postgresMigrations } from '../store/postgres/postgres-migrations.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { sqliteMigrations } from '../store/sqlite/sqlite-migrations.js';
import type { Store } from '../store/store.js';
import { logRecord } from './log-record-fixture.js';
import { postgresLogDialect } from './postgres-request-logs.js';
import { databaseUrl, whenPostgresReachable } from './postgres-test-support.js';
import { insertLogSql, logParameters } from './request-log-sql.js';
import { sqliteLogDialect } from './sqlite-request-logs.js';

/** Rows logged before migration 9, written as the version-8 stores wrote them (no metadata entries). */
const logged = Array.from({ length: 6 }, (_, index) =>
  logRecord({ id: `old-${index}`, at: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(), metadata: { user: `u-${index % 2}`, n: index, vip: index === 3, none: null } }),
);

/** Every row logged before migration 9 is still there, unchanged, and found by its metadata. */
async function assertMigrated(store: Store): Promise<void> {
  assert.equal((await store.queryRequestLogs({ limit: 100 })).records.length, logged.length);
  assert.deepEqual(await store.getRequestLog('old-3'), logged[3]);
  await assertMetadataFound(store);
}

async function assertMetadataFound(store: Store): Promise<void> {
  const ids = async (key: string, value: string) => (await store.queryRequestLogs({ limit: 10, metadataKey: key, metadataValue: value })).records.map((record) => record.id);
  assert.deepEqual(await ids('user', 'u-1'), ['old-5', 'old-3', 'old-1']);
  assert.deepEqual(await ids('n', '4'), ['old-4']);
  assert.deepEqual(await ids('vip', 'true'), ['old-3']);
  assert.equal((await ids('vip', 'false')).length, 5);
  assert.deepEqual(await ids('none', 'null'), []);
  // Rows written after the upgrade are found beside the copied ones.
  await store.insertRequestLogs([logRecord({ id: 'new-1', at: '2026-01-02T00:00:00.000Z', metadata: { user: 'u-1' } })]);
  assert.deepEqual(await ids('user', 'u-1'), ['new-1', 'old-5', 'old-3', 'old-1']);
}

test('SQLite migration 9 keeps the logged rows and indexes their metadata', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sluice-migration-9-'));
  const path = join(directory, 'logs.db');
  try {
    const before = new SqliteStore(path, { migrations: sqliteMigrations.filter((migration) => migration.version < 9) });
    await before.migrate();
    await before.close();
    const db = new Database(path);
    const insert = db.prepare(insertLogSql(sqliteLogDialect, 1));
    for (const record of logged) insert.run(...(logParameters(record, false) as Array<string | number | null>));
    db.close();
    const after = new SqliteStore(path);
    await after.migrate();
    try {
      await assertMigrated(after);
    } finally {
      await after.close();
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

await whenPostgresReachable('PostgreSQL migration 9', () => {
  test('PostgreSQL migration 9 keeps the logged rows and indexes their metadata', async () => {
    const schema = `sluice_test_m9_${Date.now().toString(36)}`;
    const before = new PostgresStore(databaseUrl, { schema, migrations: postgresMigrations.filter((migration) => migration.version < 9) });
    await before.migrate();
    await before.close();
    const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      await client.query(insertLogSql(postgresLogDialect, logged.length), logged.flatMap((record) => logParameters(record, true)));
      const after = new PostgresStore(databaseUrl, { schema });
      await after.migrate();
      try {
        await assertMigrated(after);
      } finally {
        await after.close();
      }
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });
});
