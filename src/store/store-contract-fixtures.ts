import { randomBytes } from 'node:crypto';
import type { CredentialRecord, KeyRecord, LimitSettings, TeamRecord } from './store-records.js';

/**
 * Record builders for the store contract tests. Values are chosen to catch lossy storage:
 * mixed null/number limits, fractional numbers, empty vs null arrays, quotes and non-ASCII
 * text, and timestamps in more than one ISO form (text must come back exactly as given).
 */

export function uniqueSuffix(): string {
  return randomBytes(6).toString('hex');
}

export function limits(overrides: Partial<LimitSettings> = {}): LimitSettings {
  return { rpm: 60, rpd: null, tpm: 100_000, tpd: null, max_parallel: 4, budget_usd: 12.75, budget_period: 'month', ...overrides };
}

export function noLimits(): LimitSettings {
  return { rpm: null, rpd: null, tpm: null, tpd: null, max_parallel: null, budget_usd: null, budget_period: null };
}

export function team(overrides: Partial<TeamRecord> = {}): TeamRecord {
  const suffix = uniqueSuffix();
  return {
    id: `team_${suffix}`,
    name: `team-${suffix}`,
    allowed_models: ['openai/*', 'chat'],
    limits: limits(),
    metadata: { owner: "o'brien", note: 'crème brûlée 🍮' },
    created_at: '2026-11-24T03:00:00.000Z',
    updated_at: '2026-11-24T03:00:00.000Z',
    ...overrides,
  };
}

export function key(teamId: string, overrides: Partial<KeyRecord> = {}): KeyRecord {
  const suffix = uniqueSuffix();
  return {
    id: `key_${suffix}`,
    name: `key-${suffix}`,
    team_id: teamId,
    secret_prefix: `sk-sluice-${suffix.slice(0, 4)}`,
    secret_hash: randomBytes(32).toString('hex'),
    previous_secret_hash: null,
    previous_secret_expires_at: null,
    allowed_models: [],
    expires_at: '2027-01-01T00:00:00Z',
    disabled: false,
    metadata: {},
    limits: limits({ rpm: null, budget_usd: 0.5, budget_period: 'day' }),
    created_at: '2026-11-24T03:00:00.000Z',
    updated_at: '2026-11-24T03:00:00.000Z',
    ...overrides,
  };
}

export function credential(overrides: Partial<CredentialRecord> = {}): CredentialRecord {
  const suffix = uniqueSuffix();
  return {
    id: `cred_${suffix}`,
    provider: 'openai',
    name: `cred-${suffix}`,
    weight: 0.25,
    encrypted_secret: `v1:${randomBytes(24).toString('base64')}`,
    created_at: '2026-11-24T03:00:00.000Z',
    ...overrides,
  };
}
