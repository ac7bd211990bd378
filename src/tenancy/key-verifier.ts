import type { Store } from '../store/store.js';
import type { KeyRecord, TeamRecord } from '../store/store-records.js';
import { hashSecret, secretMatchesHash } from './secret-keys.js';

export interface AuthenticatedKey {
  key: KeyRecord;
  team: TeamRecord;
}

export type VerifyResult =
  | { ok: true; principal: AuthenticatedKey }
  | { ok: false; reason: 'unknown' | 'expired' | 'disabled' };

interface CacheEntry {
  found: { key: KeyRecord; team: TeamRecord } | undefined;
  /** Date.now() after which the entry is looked up again. */
  freshUntil: number;
}

/**
 * Resolves gateway keys to their key and team records. Look-ups are cached for `ttlMs` so the
 * hot path does no I/O; a change made on another instance is seen within that window, and on this
 * instance at once through `invalidate`. Unknown secrets are cached too (briefly), so a client
 * hammering with a bad key cannot hammer the database.
 */
export class KeyVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly maximumEntries = 100_000;

  constructor(
    private readonly store: Store,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(secret: string): Promise<VerifyResult> {
    const hash = hashSecret(secret);
    const now = this.now();
    let entry = this.cache.get(hash);
    if (!entry || entry.freshUntil <= now) {
      entry = { found: await this.lookUp(hash), freshUntil: now + this.ttlMs };
      if (this.cache.size >= this.maximumEntries) this.cache.clear();
      this.cache.set(hash, entry);
    }
    const found = entry.found;
    if (!found) return { ok: false, reason: 'unknown' };
    const { key } = found;
    // The index look-up was by hash; confirm in constant time which secret matched.
    const current = secretMatchesHash(secret, key.secret_hash);
    const previousValid =
      !current &&
      key.previous_secret_hash !== null &&
      key.previous_secret_expires_at !== null &&
      Date.parse(key.previous_secret_expires_at) > now &&
      secretMatchesHash(secret, key.previous_secret_hash);
    if (!current && !previousValid) return { ok: false, reason: 'unknown' };
    if (key.disabled) return { ok: false, reason: 'disabled' };
    if (key.expires_at !== null && Date.parse(key.expires_at) <= now) return { ok: false, reason: 'expired' };
    return { ok: true, principal: found };
  }

  /** Drops every cached look-up of a key (after a change on this instance). */
  invalidate(keyId: string): void {
    for (const [hash, entry] of this.cache) if (entry.found?.key.id === keyId) this.cache.delete(hash);
  }

  private async lookUp(hash: string): Promise<{ key: KeyRecord; team: TeamRecord } | undefined> {
    const key = await this.store.findKeyBySecretHash(hash);
    if (!key) return undefined;
    const team = await this.store.getTeam(key.team_id);
    return team ? { key, team } : undefined;
  }
}
