import type { AuditRecord, CredentialRecord, KeyRecord, TeamRecord } from '../store-records.js';

/**
 * Converting records to query parameters and rows back to records. `pg` parses jsonb on the
 * way out but not on the way in: a JS array would be sent as a PostgreSQL array literal, so
 * JSON values are always stringified and cast with `::jsonb` in the SQL.
 */

type Row = Record<string, unknown>;

export const json = (value: unknown): string => JSON.stringify(value);
export const jsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));

/** Columns holding jsonb: their parameters are stringified and cast. */
export const jsonColumns: ReadonlySet<string> = new Set(['allowed_models', 'limits', 'metadata', 'details']);

/** One value as a query parameter for `column`. */
export function columnParameter(column: string, value: unknown): unknown {
  return jsonColumns.has(column) ? jsonOrNull(value) : value;
}

export const teamColumns = 'id, name, allowed_models, limits, metadata, created_at, updated_at';

export function teamParameters(team: TeamRecord): unknown[] {
  return [
    team.id,
    team.name,
    jsonOrNull(team.allowed_models),
    json(team.limits),
    json(team.metadata),
    team.created_at,
    team.updated_at,
  ];
}

export function rowToTeam(row: Row): TeamRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    allowed_models: row.allowed_models as string[] | null,
    limits: row.limits as TeamRecord['limits'],
    metadata: row.metadata as Record<string, string>,
    created_at: row.created_at as string,
    updated_at: row.updated_at as string,
  };
}

export const keyColumns =
  'id, name, team_id, secret_prefix, secret_hash, previous_secret_hash, previous_secret_expires_at, ' +
  'allowed_models, expires_at, disabled, metadata, limits, created_at, updated_at';

export function keyParameters(key: KeyRecord): unknown[] {
  return [
    key.id,
    key.name,
    key.team_id,
    key.secret_prefix,
    key.secret_hash,
    key.previous_secret_hash,
    key.previous_secret_expires_at,
    jsonOrNull(key.allowed_models),
    key.expires_at,
    key.disabled,
    json(key.metadata),
    json(key.limits),
    key.created_at,
    key.updated_at,
  ];
}

export function rowToKey(row: Row): KeyRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    team_id: row.team_id as string,
    secret_prefix: row.secret_prefix as string,
    secret_hash: row.secret_hash as string,
    previous_secret_hash: row.previous_secret_hash as string | null,
    previous_secret_expires_at: row.previous_secret_expires_at as string | null,
    allowed_models: row.allowed_models as string[] | null,
    expires_at: row.expires_at as string | null,
    disabled: row.disabled as boolean,
    metadata: row.metadata as Record<string, string>,
    limits: row.limits as KeyRecord['limits'],
    created_at: row.created_at as string,
    updated_at: row.updated_at as string,
  };
}

export const credentialColumns = 'id, provider, name, weight, encrypted_secret, created_at';

export function credentialParameters(credential: CredentialRecord): unknown[] {
  return [
    credential.id,
    credential.provider,
    credential.name,
    credential.weight,
    credential.encrypted_secret,
    credential.created_at,
  ];
}

export function rowToCredential(row: Row): CredentialRecord {
  return {
    id: row.id as string,
    provider: row.provider as string,
    name: row.name as string,
    weight: row.weight as number,
    encrypted_secret: row.encrypted_secret as string,
    created_at: row.created_at as string,
  };
}

export const auditColumns = 'id, at, actor, action, target_type, target_id, details';

export function auditParameters(entry: Omit<AuditRecord, 'id'>): unknown[] {
  return [entry.at, entry.actor, entry.action, entry.target_type, entry.target_id, json(entry.details)];
}

export function rowToAudit(row: Row): AuditRecord {
  return {
    // bigint arrives as a string (it may exceed 2^53); audit ids stay far below that.
    id: Number(row.id),
    at: row.at as string,
    actor: row.actor as string,
    action: row.action as string,
    target_type: row.target_type as string,
    target_id: row.target_id as string | null,
    details: row.details as Record<string, unknown>,
  };
}
