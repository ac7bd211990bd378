import type pg from 'pg';
import type { UsageQuery, UsageRow, UsageTotals } from './usage-records.js';
import { rowToTotals, selectUsageSql, upsertUsageSql, usageColumns, usageRowParameters } from './usage-sql.js';

const placeholder = (index: number) => `$${index}`;
/** Rows per statement: PostgreSQL takes at most 65535 parameters in one. */
const rowsPerStatement = Math.floor(65_535 / usageColumns.length);

/**
 * Multi-row upserts. A batch holds each group once (the recorder merged them), which
 * `ON CONFLICT DO UPDATE` requires within one statement; concurrent instances add to the same
 * rows safely because the update reads the committed value under the row lock.
 */
export async function addPostgresUsage(pool: pg.Pool, rows: readonly UsageRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const slice = rows.slice(start, start + rowsPerStatement);
    await pool.query(upsertUsageSql(placeholder, slice.length), slice.flatMap(usageRowParameters));
  }
}

export async function queryPostgresUsage(pool: pg.Pool, query: UsageQuery): Promise<UsageTotals[]> {
  // SUM of bigint is numeric, which pg returns as a string: float8 comes back as a number.
  const { sql, parameters } = selectUsageSql(query, placeholder, (expression) => `(${expression})::float8`);
  const result = await pool.query(sql, parameters);
  return result.rows.map(rowToTotals);
}
