import type { AuditRecord, CredentialRecord, KeyRecord, TeamRecord } from '../store-records.js';

/**
 * Converting records to SQLite parameters and rows back to records. Columns are listed
 * explicitly (never `SELECT *` spread into a record) because libsql adds a `_metadata`
 * property to every row, and a record must come back with exactly its own fields.
 */

type Row = Record<string, unknown>;

const json = (value: unknown): string => JSON.stringify(value);
const jsonOrNull = (value: unknown): string | null => (value === null ? null : JSON.stringify(value));
const parse = <T>(text: unknown): T => JSON.parse(text as string) as T;
const parseOrNull = <T>(text: unknown): T | null => (text === null ? null : (JSON.parse(text as string) as T));
const textOrNull = (value: unknown): string | null => (value === null ? null : (value as string));

export const teamColumns = 'id, name, allowed_models, limits, metadata, created_at, updated_at';

/** Named parameters (`@name`) for the team statements. */
export function teamParameters(team: TeamRecord): Row {
  return {
    id: team.id,
    name: team.name,
    allowed_models: jsonOrNull(team.allowed_models),
    limits: json(team.limits),
    metadata: json(team.metadata),
    created_at: team.created_at,
    updated_at: team.updated_at,
  };
}

export function rowToTeam(row: Row): TeamRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    allowed_models: parseOrNull<string[]>(row.allowed_models),
    limits: parse(row.limits),
    metadata: parse(row.metadata),
    created_at: row.created_at as string,
    updated_at: row.updated_at as string,
  };
}

export const keyColumns =
  'id, name, team_id, secret_prefix, secret_hash, previous_secret_hash, previous_secret_expires_at, ' +
  'allowed_models, expires_at, disabled, metadata, limits, created_at, updated_at';

export function keyParameters(key: KeyRecord): Row {
  return {
    id: key.id,
    name: key.name,
    team_id: key.team_id,
    secret_prefix: key.secret_prefix,
    secret_hash: key.secret_hash,
    previous_secret_hash: key.previous_secret_hash,
    previous_secret_expires_at: key.previous_secret_expires_at,
    allowed_models: jsonOrNull(key.allowed_models),
    expires_at: key.expires_at,
    disabled: key.disabled ? 1 : 0,
    metadata: json(key.metadata),
    limits: json(key.limits),
    created_at: key.created_at,
    updated_at: key.updated_at,
  };
}

export function rowToKey(row: Row): KeyRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    team_id: row.team_id as string,
    secret_prefix: row.secret_prefix as string,
    secret_hash: row.secret_hash as string,
    previous_secret_hash: textOrNull(row.previous_secret_hash),
    previous_secret_expires_at: textOrNull(row.previous_secret_expires_at),
    allowed_models: parseOrNull<string[]>(row.allowed_models),
    expires_at: textOrNull(row.expires_at),
    disabled: Number(row.disabled) === 1,
    metadata: parse(row.metadata),
    limits: parse(row.limits),
    created_at: row.created_at as string,
    updated_at: row.updated_at as string,
  };
}

export const credentialColumns = 'id, provider, name, weight, encrypted_secret, created_at';

export function credentialParameters(credential: CredentialRecord): Row {
  return {
    id: credential.id,
    provider: credential.provider,
    name: credential.name,
    weight: credential.weight,
    encrypted_secret: credential.encrypted_secret,
    created_at: credential.created_at,
  };
}

export function rowToCredential(row: Row): CredentialRecord {
  return {
    id: row.id as string,
    provider: row.provider as string,
    name: row.name as string,
    weight: Number(row.weight),
    encrypted_secret: row.encrypted_secret as string,
    created_at: row.created_at as string,
  };
}

export const auditColumns = 'id, at, actor, action, target_type, target_id, details';

export function auditParameters(entry: Omit<AuditRecord, 'id'>): Row {
  return {
    at: entry.at,
    actor: entry.actor,
    action: entry.action,
    target_type: entry.target_type,
    target_id: entry.target_id,
    details: json(entry.details),
  };
}

export function rowToAudit(row: Row): AuditRecord {
  return {
    id: Number(row.id),
    at: row.at as string,
    actor: row.actor as string,
    action: row.action as string,
    target_type: row.target_type as string,
    target_id: textOrNull(row.target_id),
    details: parse(row.details),
  };
}
