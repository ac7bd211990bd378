import type { KeyPatch, TeamPatch } from './store-records.js';

/**
 * The fields an update may change. Both backends apply only these (ids, team_id and
 * created_at never change), which also makes them the whitelist of column names the
 * PostgreSQL store may put into an UPDATE statement.
 */
export const teamPatchFields = ['name', 'allowed_models', 'limits', 'metadata', 'updated_at'] as const satisfies readonly (keyof TeamPatch)[];

export const keyPatchFields = [
  'name',
  'secret_prefix',
  'secret_hash',
  'previous_secret_hash',
  'previous_secret_expires_at',
  'allowed_models',
  'expires_at',
  'disabled',
  'metadata',
  'limits',
  'updated_at',
] as const satisfies readonly (keyof KeyPatch)[];

/**
 * The whitelisted fields the patch sets. A field given as `undefined` means "unchanged",
 * not "erase": callers build patches with optional inputs.
 */
export function patchEntries<P extends object>(patch: P, fields: readonly (keyof P & string)[]): [keyof P & string, unknown][] {
  return fields
    .filter((field) => Object.hasOwn(patch, field) && patch[field] !== undefined)
    .map((field) => [field, patch[field]]);
}

export function definedPatch<P extends object>(patch: P, fields: readonly (keyof P & string)[]): Partial<P> {
  return Object.fromEntries(patchEntries(patch, fields)) as Partial<P>;
}
