import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import Database from 'libsql';
import { describeStoreContract } from '../store-contract.js';
import { team } from '../store-contract-fixtures.js';
import { sqliteMigrations } from './sqlite-migrations.js';
import { SqliteStore } from './sqlite-store.js';

const run = promisify(execFile);
const directory = mkdtempSync(join(tmpdir(), 'sluice-sqlite-store-'));
after(() => rmSync(directory, { recursive: true, force: true }));

let databases = 0;
/** A path in a directory that does not exist yet: the store must create it. */
const freshPath = () => join(directory, `database-${(databases += 1)}`, 'sluice.db');

/** Empties every table but the migration record through a connection of its own. */
function resetFile(path: string): () => Promise<void> {
  return async () => {
    const db = new Database(path);
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations' AND name NOT LIKE 'sqlite_%'")
        .all() as { name: string }[];
      for (const { name } of tables) db.exec(`DELETE FROM "${name}"`);
    } finally {
      db.close();
    }
  };
}

const suitePath = freshPath();
describeStoreContract('SQLite file', async () => new SqliteStore(suitePath), resetFile(suitePath), {
  openFreshInstances: async (count) => {
    const path = freshPath();
    return Array.from({ length: count }, () => new SqliteStore(path));
  },
});

describeStoreContract('SQLite :memory:', async () => new SqliteStore(':memory:'));

describe('SqliteStore specifics', () => {
  test('creates the missing directory and puts the file in WAL mode', async () => {
    const path = freshPath();
    assert.equal(existsSync(path), false);
    const store = new SqliteStore(path);
    await store.migrate();
    await store.close();
    const db = new Database(path);
    try {
      const [mode] = db.pragma('journal_mode') as { journal_mode: string }[];
      assert.equal(mode.journal_mode, 'wal');
    } finally {
      db.close();
    }
  });

  test('applies only pending migrations and records each version once', async () => {
    const path = freshPath();
    const first = new SqliteStore(path);
    await first.migrate();
    await first.insertTeam(team({ name: 'survivor' }));
    await first.close();

    const upgraded = [
      ...sqliteMigrations,
      { version: sqliteMigrations[sqliteMigrations.length - 1].version + 1, name: 'test: usage', sql: 'CREATE TABLE usage_test (id INTEGER PRIMARY KEY)' },
    ];
    const second = new SqliteStore(path, { migrations: upgraded });
    await second.migrate();
    await second.migrate();
    assert.equal((await second.getTeamByName('survivor'))?.name, 'survivor');
    await second.close();

    const db = new Database(path);
    try {
      const versions = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map(
        (row) => Number(row.version),
      );
      assert.deepStrictEqual(versions, upgraded.map((migration) => migration.version));
      assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'usage_test'").all().length, 1);
    } finally {
      db.close();
    }
  });

  test('a failing migration rolls back entirely', async () => {
    const path = freshPath();
    const broken = [
      ...sqliteMigrations,
      { version: sqliteMigrations[sqliteMigrations.length - 1].version + 1, name: 'test: broken', sql: 'CREATE TABLE half_done (id INTEGER); SELECT * FROM nowhere' },
    ];
    const store = new SqliteStore(path, { migrations: broken });
    await assert.rejects(store.migrate(), /nowhere/);
    await store.close();
    const db = new Database(path);
    try {
      assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('teams', 'half_done')").all().length, 0);
    } finally {
      db.close();
    }
  });

  test('separate processes migrate one file at once, fresh and when upgrading', async () => {
    const path = freshPath();
    const storeModule = new URL('./sqlite-store.js', import.meta.url).href;
    const migrationsModule = new URL('./sqlite-migrations.js', import.meta.url).href;
    // The upgrade is slow on purpose (~100 ms of inserts): other processes then read the applied
    // versions while the first one is still migrating, which breaks any migrate() that does not
    // take the write lock before reading them.
    const slowUpgrade =
      'CREATE TABLE usage_test (id INTEGER); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) INSERT INTO usage_test SELECT i FROM n';
    /** Starts 4 processes that open the store, wait for a common instant, then migrate. */
    const race = async (extraMigration: boolean) => {
      const startAt = Date.now() + 700;
      const script = `
        const { SqliteStore } = await import(${JSON.stringify(storeModule)});
        const { sqliteMigrations } = await import(${JSON.stringify(migrationsModule)});
        const migrations = ${extraMigration}
          ? [...sqliteMigrations, { version: sqliteMigrations[sqliteMigrations.length - 1].version + 1, name: 'usage', sql: ${JSON.stringify(slowUpgrade)} }]
          : sqliteMigrations;
        const store = new SqliteStore(${JSON.stringify(path)}, { migrations });
        await store.getSetting('warm-up').catch(() => {});
        while (Date.now() < ${startAt}) {}
        await store.migrate();
        console.log(await store.setSettingIfAbsent('winner-${extraMigration}', String(process.pid)));
        await store.close();`;
      const outputs = await Promise.all(
        Array.from({ length: 4 }, () => run(process.execPath, ['--input-type=module', '-e', script])),
      );
      assert.deepStrictEqual(outputs.map((output) => output.stdout.trim()).sort(), ['false', 'false', 'false', 'true']);
    };
    await race(false);
    await race(true);
    const db = new Database(path);
    try {
      const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[];
      assert.deepStrictEqual(versions.map((row) => Number(row.version)), [...sqliteMigrations.map((migration) => migration.version), sqliteMigrations[sqliteMigrations.length - 1].version + 1]);
    } finally {
      db.close();
    }
  });

  test('rejects an out-of-order migration list', () => {
    const disordered = [...sqliteMigrations, { version: 1, name: 'test: repeated', sql: 'SELECT 1' }];
    assert.throws(() => new SqliteStore(':memory:', { migrations: disordered }), /versions must be integers increasing/);
  });
});
