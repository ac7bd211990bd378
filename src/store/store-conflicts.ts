import { StoreConflictError } from './store.js';

/**
 * Messages for unique violations, shared by both backends so callers (and the admin API,
 * which passes them through) see the same words whichever database is configured.
 */
export const conflicts = {
  teamName: (name: string) => new StoreConflictError('name', `a team named "${name}" already exists`),
  keyName: (teamId: string, name: string) =>
    new StoreConflictError('name', `team "${teamId}" already has a key named "${name}"`),
  credentialName: (provider: string, name: string) =>
    new StoreConflictError('name', `provider "${provider}" already has a credential named "${name}"`),
  /** Ids are minted by the services, so a repeat is a bug upstream, but it is still a conflict. */
  id: (entity: string, id: string) => new StoreConflictError('id', `a ${entity} with id "${id}" already exists`),
};

/** A key inserted for a team that does not exist: a caller error, not a conflict. */
export function missingTeamError(teamId: string, cause: unknown): Error {
  return new Error(`team "${teamId}" does not exist`, { cause });
}
