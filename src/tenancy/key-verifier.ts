import type { Store } from '../store/store.js';
import type { KeyRecord, TeamRecord } from '../store/store-records.js';
import { createHash, timingSafeEqual } from 'node:crypto';

export interface AuthenticatedKey {
  key: KeyRecord;
  team: TeamRecord;
}

export type VerifyResult =
  | { ok: true; principal: AuthenticatedKey }
  | { ok: false; reason: 'unknown' | 'expired' | 'disabled' };

interface CacheEntry {
  found: { key: KeyRecord; team: TeamRecord; currentHash: Buffer; previousHash: Buffer | undefined } | undefined;
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
    const digest = createHash('sha256').update(secret).digest();
    const hash = digest.toString('hex');
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
    const current = timingSafeEqual(digest, found.currentHash);
    const previousValid =
      !current &&
      found.previousHash !== undefined &&
      key.previous_secret_expires_at !== null &&
      Date.parse(key.previous_secret_expires_at) > now &&
      timingSafeEqual(digest, found.previousHash);
    if (!current && !previousValid) return { ok: false, reason: 'unknown' };
    if (key.disabled) return { ok: false, reason: 'disabled' };
    if (key.expires_at !== null && Date.parse(key.expires_at) <= now) return { ok: false, reason: 'expired' };
    return { ok: true, principal: { key: found.key, team: found.team } };
  }

  /** Drops every cached look-up of a key (after a change on this instance). */
  invalidate(keyId: string): void {
    for (const [hash, entry] of this.cache) if (entry.found?.key.id === keyId) this.cache.delete(hash);
  }

  private async lookUp(hash: string): Promise<CacheEntry['found']> {
    const key = await this.store.findKeyBySecretHash(hash);
    if (!key) return undefined;
    const team = await this.store.getTeam(key.team_id);
    if (!team) return undefined;
    const previousHash = key.previous_secret_hash === null ? undefined : Buffer.from(key.previous_secret_hash, 'hex');
    return { key, team, currentHash: Buffer.from(key.secret_hash, 'hex'), previousHash };
  }
}
