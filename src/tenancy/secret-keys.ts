import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const gatewayKeyPrefix = 'sk-sluice-';
/** Characters of a secret kept in clear to recognise a key in listings: `sk-sluice-` + 6. */
const visiblePrefixLength = gatewayKeyPrefix.length + 6;

/** A new gateway key secret: `sk-sluice-` + 32 random bytes in base64url (43 characters). */
export function generateGatewayKey(): string {
  return gatewayKeyPrefix + randomBytes(32).toString('base64url');
}

/** A fresh admin token (same strength, its own prefix so it is never mistaken for a key). */
export function generateAdminToken(): string {
  return 'sluice-admin-' + randomBytes(32).toString('base64url');
}

/** Secrets are stored and looked up only as SHA-256 hashes. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function visiblePrefix(secret: string): string {
  return secret.slice(0, visiblePrefixLength);
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatchesHash(secret: string, expectedHash: string): boolean {
  const presented = createHash('sha256').update(secret).digest();
  const expected = Buffer.from(expectedHash, 'hex');
  return expected.length === presented.length && timingSafeEqual(presented, expected);
}

/** Short random ids with a type prefix: `team_…`, `key_…`, `cred_…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}
