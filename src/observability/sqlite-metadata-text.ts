/**
 * SQL for a `json_each` row's value as the text request_log_metadata keeps: what metadataPairs
 * (request-log-sql.ts) writes from JavaScript and PostgreSQL's jsonb_each_text prints — strings
 * as they are, `true`/`false`, numbers in decimal. (SQLite prints a non-integer with 15
 * significant digits: a float needing more, rare in metadata, gets text JavaScript would not write.)
 */
export function sqliteMetadataText(alias: string): string {
  return `CASE ${alias}.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(${alias}.value AS TEXT) END`;
}
