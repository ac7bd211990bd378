import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { openStore } from '../open-store.js';
import { describeStoreContract } from '../store-contract.js';
import { team } from '../store-contract-fixtures.js';
import { postgresMigrations } from './postgres-migrations.js';
import { PostgresStore } from './postgres-store.js';

/**
 * Runs against DATABASE_URL, each run in schemas of its own (random names, dropped at the end)
 * so parallel test files and earlier runs never collide. Without a server: skipped with the
 * reason, except with CI=true, where a missing database must fail the build.
 */
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const printableUrl = url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
const runId = randomBytes(4).toString('hex');
let schemas = 0;
const createdSchemas: string[] = [];
function newSchemaName(): string {
  const schema = `sluice_test_${runId}_${(schemas += 1)}`;
  createdSchemas.push(schema);
  return schema;
}

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL is not reachable at ${printableUrl}: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await probe();

if (unreachable !== undefined && process.env.CI !== 'true') {
  console.log(`skipping PostgreSQL store tests: ${unreachable}`);
  test('PostgreSQL store contract', { skip: unreachable }, () => {});
} else if (unreachable !== undefined) {
  test('PostgreSQL is reachable (required with CI=true)', () => assert.fail(unreachable));
} else {
  const admin = new pg.Pool({ connectionString: url, max: 2 });
  after(async () => {
    for (const schema of createdSchemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  const suiteSchema = newSchemaName();
  describeStoreContract(
    'PostgreSQL',
    async () => new PostgresStore(url, { schema: suiteSchema }),
    async () => {
      const tables = await admin.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'schema_migrations'",
        [suiteSchema],
      );
      const names = tables.rows.map((row) => `"${suiteSchema}"."${row.table_name}"`).join(', ');
      if (names) await admin.query(`TRUNCATE ${names} RESTART IDENTITY CASCADE`);
    },
    {
      openFreshInstances: async (count) => {
        // Created up front, like `public` in most deployments, so the instances race on the tables.
        const schema = newSchemaName();
        await admin.query(`CREATE SCHEMA "${schema}"`);
        return Array.from({ length: count }, () => new PostgresStore(url, { schema }));
      },
    },
  );

  describe('PostgresStore specifics', () => {
    test('applies only pending migrations and records each version once', async () => {
      const schema = newSchemaName();
      const first = new PostgresStore(url, { schema });
      await first.migrate();
      await first.insertTeam(team({ name: 'survivor' }));
      await first.close();

      const upgraded = [
        ...postgresMigrations,
        { version: postgresMigrations[postgresMigrations.length - 1].version + 1, name: 'test: usage', sql: 'CREATE TABLE usage_test (id bigint PRIMARY KEY)' },
      ];
      const second = new PostgresStore(url, { schema, migrations: upgraded });
      await second.migrate();
      await second.migrate();
      assert.equal((await second.getTeamByName('survivor'))?.name, 'survivor');
      await second.close();

      const versions = await admin.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      assert.deepStrictEqual(versions.rows.map((row) => row.version), upgraded.map((migration) => migration.version));
      const usage = await admin.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, 'usage_test']);
      assert.equal(usage.rowCount, 1);
    });

    test('a failing migration rolls back entirely', async () => {
      const schema = newSchemaName();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      const broken = [...postgresMigrations, { version: postgresMigrations[postgresMigrations.length - 1].version + 1, name: 'test: broken', sql: 'SELECT * FROM nowhere' }];
      const store = new PostgresStore(url, { schema, migrations: broken });
      await assert.rejects(store.migrate(), /nowhere/);
      await store.close();
      const tables = await admin.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
      assert.deepStrictEqual(tables.rows, []);
    });

    test('openStore accepts a search_path in the URL and keeps its tables there', async () => {
      const schema = newSchemaName();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      const withPath = new URL(url);
      withPath.searchParams.set('options', `-c search_path=${schema}`);
      const store = await openStore(withPath.href);
      try {
        assert.equal(store.kind, 'postgres');
        await store.insertTeam(team({ name: 'in-schema' }));
      } finally {
        await store.close();
      }
      const found = await admin.query(`SELECT name FROM "${schema}".teams`);
      assert.deepStrictEqual(found.rows, [{ name: 'in-schema' }]);
    });

    test('rejects a schema name that is not a plain identifier, and a schema set twice', () => {
      assert.throws(() => new PostgresStore(url, { schema: 'x"; DROP TABLE teams; --' }), /invalid PostgreSQL schema name/);
      const withPath = new URL(url);
      withPath.searchParams.set('options', '-c search_path=elsewhere');
      assert.throws(() => new PostgresStore(withPath.href, { schema: 'mine' }), /not both/);
    });
  });
}
