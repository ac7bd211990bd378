import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postgresMigrations } from './postgres/postgres-migrations.js';
import { sqliteMigrations } from './sqlite/sqlite-migrations.js';
import { assertMigrationsOrdered, pendingMigrations } from './store-migration.js';

const migration = (version: number) => ({ version, name: `m${version}`, sql: 'SELECT 1' });

test('the built-in migration lists are ordered and in step between dialects', () => {
  assertMigrationsOrdered(sqliteMigrations);
  assertMigrationsOrdered(postgresMigrations);
  // A migration added for one dialect only would leave the two backends with different schemas.
  assert.deepStrictEqual(
    sqliteMigrations.map((each) => each.version),
    postgresMigrations.map((each) => each.version),
  );
});

test('assertMigrationsOrdered rejects repeated, decreasing, zero and fractional versions', () => {
  assert.doesNotThrow(() => assertMigrationsOrdered([migration(1), migration(2), migration(5)]));
  for (const bad of [[migration(1), migration(1)], [migration(2), migration(1)], [migration(0)], [migration(1.5)]]) {
    assert.throws(() => assertMigrationsOrdered(bad), /versions must be integers increasing/);
  }
});

test('pendingMigrations keeps list order and skips applied versions', () => {
  const list = [migration(1), migration(2), migration(3)];
  assert.deepStrictEqual(pendingMigrations(list, [2]).map((each) => each.version), [1, 3]);
  assert.deepStrictEqual(pendingMigrations(list, [1, 2, 3]), []);
  assert.deepStrictEqual(pendingMigrations(list, []), list);
});
