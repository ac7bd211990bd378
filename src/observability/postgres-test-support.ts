import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../store/postgres/postgres-store.js';

/**
 * Test support for the observability tests on PostgreSQL (not itself a test file), with the
 * conventions of src/store/postgres/postgres-store.test.ts: DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test), a random schema per store, dropped at the end;
 * without a server the tests skip with the reason, except with CI=true, where they fail.
 */
export const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL at DATABASE_URL cannot be used, or undefined when it accepts a connection. */
export async function postgresUnreachableReason(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `PostgreSQL is not reachable: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Registers `body`'s tests when PostgreSQL answers; `openStore` gives a migrated store in a fresh schema. */
export async function whenPostgresReachable(title: string, body: (openStore: () => Promise<PostgresStore>) => void): Promise<void> {
  const unreachable = await postgresUnreachableReason();
  if (unreachable !== undefined) {
    if (process.env.CI === 'true') test(`${title}: PostgreSQL is reachable (required with CI=true)`, () => assert.fail(unreachable));
    else test(title, { skip: unreachable }, () => {});
    return;
  }
  const schemas: string[] = [];
  after(async () => {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });
  body(async () => {
    const schema = `sluice_test_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const store = new PostgresStore(databaseUrl, { schema });
    await store.migrate();
    return store;
  });
}
