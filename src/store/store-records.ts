/**
 * What the store keeps. Timestamps are ISO-8601 strings in UTC; ids are strings minted by the
 * services (`team_…`, `key_…`, `cred_…`), so both backends store exactly what they are given.
 */

export type BudgetPeriod = 'day' | 'week' | 'month';

/** Limits a team or key may carry; null means "no limit at this level". Enforced by the limits issue. */
export interface LimitSettings {
  rpm: number | null;
  rpd: number | null;
  tpm: number | null;
  tpd: number | null;
  max_parallel: number | null;
  budget_usd: number | null;
  budget_period: BudgetPeriod | null;
}

export interface TeamRecord {
  id: string;
  name: string;
  /** Globs of models/routes the team may call (`openai/*`, `chat`); null allows everything. */
  allowed_models: string[] | null;
  limits: LimitSettings;
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
}

export interface KeyRecord {
  id: string;
  name: string;
  team_id: string;
  /** The first characters of the secret, shown in listings to recognise a key. */
  secret_prefix: string;
  /** Hex SHA-256 of the whole secret: the secret itself is never stored. */
  secret_hash: string;
  /** After a rotation, the old secret's hash stays valid until `previous_secret_expires_at`. */
  previous_secret_hash: string | null;
  previous_secret_expires_at: string | null;
  /** Narrows the team's allow-list; null means "whatever the team allows". */
  allowed_models: string[] | null;
  expires_at: string | null;
  disabled: boolean;
  metadata: Record<string, string>;
  limits: LimitSettings;
  created_at: string;
  updated_at: string;
}

export interface CredentialRecord {
  id: string;
  /** A provider name from the config. */
  provider: string;
  name: string;
  /** Share of traffic among the provider's credentials. */
  weight: number;
  /** AES-256-GCM ciphertext of the provider API key (see credential-cipher.ts), never returned. */
  encrypted_secret: string;
  created_at: string;
}

export interface AuditRecord {
  id: number;
  at: string;
  /** Who made the change: `admin-token`, `cli`, … */
  actor: string;
  /** e.g. `team.create`, `key.revoke`, `credential.delete`. */
  action: string;
  target_type: string;
  target_id: string | null;
  /** What changed, without secrets. */
  details: Record<string, unknown>;
}

export type TeamPatch = Partial<Pick<TeamRecord, 'name' | 'allowed_models' | 'limits' | 'metadata' | 'updated_at'>>;
export type KeyPatch = Partial<
  Pick<
    KeyRecord,
    | 'name'
    | 'secret_prefix'
    | 'secret_hash'
    | 'previous_secret_hash'
    | 'previous_secret_expires_at'
    | 'allowed_models'
    | 'expires_at'
    | 'disabled'
    | 'metadata'
    | 'limits'
    | 'updated_at'
  >
>;
