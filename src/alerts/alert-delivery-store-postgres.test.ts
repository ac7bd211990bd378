import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import pg from 'pg';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { describeAlertDeliveryStore } from './alert-delivery-store-contract.js';

// Same conventions as src/store/postgres/postgres-store.test.ts: skipped without a server, except with CI=true.
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `sluice_test_alerts_${randomBytes(4).toString('hex')}`;

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return undefined;
  } catch (error) {
    return `PostgreSQL is not reachable: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await probe();
if (unreachable !== undefined && process.env.CI !== 'true') {
  console.log(`skipping the PostgreSQL alert delivery store: ${unreachable}`);
  test('PostgreSQL alert delivery store', { skip: unreachable }, () => {});
} else if (unreachable !== undefined) {
  test('PostgreSQL is reachable (required with CI=true)', () => assert.fail(unreachable));
} else {
  after(async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });
  describeAlertDeliveryStore('PostgreSQL', async () => {
    const store = new PostgresStore(url, { schema });
    await store.migrate();
    return store;
  });
}
