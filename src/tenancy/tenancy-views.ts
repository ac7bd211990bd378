import type { CredentialRecord, KeyRecord, TeamRecord } from '../store/store-records.js';

/** What the admin API and CLI show of a key: never its hashes. */
export type KeyView = Omit<KeyRecord, 'secret_hash' | 'previous_secret_hash'> & { status: 'active' | 'disabled' | 'expired' };
export type TeamView = TeamRecord;
/** A credential as shown after creation: never the secret, not even encrypted. */
export type CredentialView = Omit<CredentialRecord, 'encrypted_secret'>;

export function keyView(key: KeyRecord, now = Date.now()): KeyView {
  const { secret_hash: _hash, previous_secret_hash: _previous, ...rest } = key;
  const expired = key.expires_at !== null && Date.parse(key.expires_at) <= now;
  return { ...rest, status: key.disabled ? 'disabled' : expired ? 'expired' : 'active' };
}

export function credentialView(credential: CredentialRecord): CredentialView {
  const { encrypted_secret: _secret, ...rest } = credential;
  return rest;
}
