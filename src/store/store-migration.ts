/**
 * A versioned schema change. Each dialect keeps one ordered list; a database records the
 * versions it has applied in `schema_migrations(version, applied_at)`, and `migrate()` applies
 * the missing ones in order inside one transaction. To add a migration, append an entry with
 * the next version number — never edit or reorder one that has shipped.
 */
export interface StoreMigration {
  version: number;
  /** Short description, kept for humans reading the list. */
  name: string;
  sql: string;
}

/**
 * Rejects a list whose versions are not strictly increasing positive integers, so a mistake in
 * a newly appended migration fails at start (and in tests) instead of skipping silently.
 */
export function assertMigrationsOrdered(migrations: readonly StoreMigration[]): void {
  let previous = 0;
  for (const migration of migrations) {
    if (!Number.isInteger(migration.version) || migration.version <= previous) {
      throw new Error(
        `migration "${migration.name}" has version ${migration.version}; versions must be integers increasing from 1 (previous was ${previous})`,
      );
    }
    previous = migration.version;
  }
}

/** The migrations whose version is not in `applied`, in list order. */
export function pendingMigrations(migrations: readonly StoreMigration[], applied: Iterable<number>): StoreMigration[] {
  const done = new Set(applied);
  return migrations.filter((migration) => !done.has(migration.version));
}
