import { countColumns, dimensionColumns, type UsageQuery, type UsageRow, type UsageTotals } from './usage-records.js';

/**
 * SQL of the usage table shared by the SQLite and PostgreSQL stores; they differ only in
 * placeholders and in how sums come back.
 */
export const usageGroupColumns = ['day', 'key_id', 'team_id', 'route', 'provider', 'model'] as const;
export const usageColumns = [...usageGroupColumns, ...countColumns] as const;

/** Adds a batch to the day's totals: inserts new groups, adds to existing ones. */
export function upsertUsageSql(placeholder: (index: number) => string, rowCount: number): string {
  const width = usageColumns.length;
  const values = Array.from({ length: rowCount }, (_, row) => `(${usageColumns.map((_, column) => placeholder(row * width + column + 1)).join(', ')})`);
  const updates = countColumns.map((column) => `${column} = usage_daily.${column} + excluded.${column}`).join(', ');
  return `INSERT INTO usage_daily (${usageColumns.join(', ')}) VALUES ${values.join(', ')}
    ON CONFLICT (${usageGroupColumns.join(', ')}) DO UPDATE SET ${updates}`;
}

export function usageRowParameters(row: UsageRow): Array<string | number> {
  return usageColumns.map((column) => row[column]);
}

/**
 * Sums over a day range, grouped by the requested dimensions (whitelisted column names only:
 * nothing from the query string reaches the SQL text). `sum` wraps each sum (a cast for PostgreSQL).
 */
export function selectUsageSql(query: UsageQuery, placeholder: (index: number) => string, sum: (expression: string) => string): { sql: string; parameters: string[] } {
  const groups = [...new Set(query.groupBy.map((dimension) => dimensionColumns[dimension]))];
  const parameters: string[] = [query.from, query.to];
  const conditions = [`day >= ${placeholder(1)}`, `day <= ${placeholder(2)}`];
  if (query.keyId !== undefined) {
    parameters.push(query.keyId);
    conditions.push(`key_id = ${placeholder(parameters.length)}`);
  }
  if (query.teamId !== undefined) {
    parameters.push(query.teamId);
    conditions.push(`team_id = ${placeholder(parameters.length)}`);
  }
  const select = [...groups, ...countColumns.map((column) => `${sum(`COALESCE(SUM(${column}), 0)`)} AS ${column}`)].join(', ');
  const grouping = groups.length > 0 ? ` GROUP BY ${groups.join(', ')} ORDER BY ${groups.join(', ')}` : '';
  return { sql: `SELECT ${select} FROM usage_daily WHERE ${conditions.join(' AND ')}${grouping}`, parameters };
}

/** Sums arrive as numbers (SQLite) or float8 (PostgreSQL, after the cast); group columns as text. */
export function rowToTotals(row: Record<string, unknown>): UsageTotals {
  const totals: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) totals[column] = (countColumns as readonly string[]).includes(column) ? Number(value ?? 0) : value;
  return totals as unknown as UsageTotals;
}
