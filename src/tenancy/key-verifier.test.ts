import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../store/open-store.js';
import { KeyVerifier } from './key-verifier.js';
import { TenancyService } from './tenancy-service.js';

async function setUp() {
  const store = await openStore('memory');
  let now = Date.parse('2026-11-24T00:00:00Z');
  const clock = () => now;
  const verifier = new KeyVerifier(store, 5_000, clock);
  const tenancy = new TenancyService({ store, actor: 'test', now: () => new Date(now), onKeyChanged: (id) => verifier.invalidate(id) });
  const advance = (ms: number) => (now += ms);
  return { store, verifier, tenancy, advance };
}

test('cached look-ups: a change made elsewhere is seen after the TTL, locally at once', async () => {
  const { store, verifier, tenancy, advance } = await setUp();
  const team = await tenancy.createTeam({ name: 't' });
  const { key, secret } = await tenancy.createKey({ name: 'k', team_id: team.id });
  assert.equal((await verifier.verify(secret)).ok, true);
  // Another instance disables the key directly in the shared store: not seen within the TTL.
  await store.updateKey(key.id, { disabled: true });
  assert.equal((await verifier.verify(secret)).ok, true);
  advance(5_001);
  assert.deepEqual(await verifier.verify(secret), { ok: false, reason: 'disabled' });
  // A change through this instance's service invalidates at once.
  await tenancy.updateKey(key.id, { disabled: false });
  assert.equal((await verifier.verify(secret)).ok, true);
  await store.close();
});

test('expiry is checked on every call, not only on look-up; unknown secrets are refused', async () => {
  const { store, verifier, tenancy, advance } = await setUp();
  const team = await tenancy.createTeam({ name: 't' });
  const { secret } = await tenancy.createKey({ name: 'k', team_id: team.id, expires_at: new Date(Date.parse('2026-11-24T00:00:02Z')).toISOString() });
  assert.equal((await verifier.verify(secret)).ok, true);
  advance(2_000);
  assert.deepEqual(await verifier.verify(secret), { ok: false, reason: 'expired' });
  assert.deepEqual(await verifier.verify('sk-sluice-unknown'), { ok: false, reason: 'unknown' });
  await store.close();
});

test('rotation grace: old secret valid until the grace ends, the new one at once', async () => {
  const { store, verifier, tenancy, advance } = await setUp();
  const team = await tenancy.createTeam({ name: 't' });
  const original = await tenancy.createKey({ name: 'k', team_id: team.id });
  const rotated = await tenancy.rotateKey(original.key.id, { grace_seconds: 60 });
  assert.equal((await verifier.verify(rotated.secret)).ok, true);
  assert.equal((await verifier.verify(original.secret)).ok, true);
  advance(61_000);
  assert.equal((await verifier.verify(original.secret)).ok, false);
  const again = await tenancy.rotateKey(original.key.id, {});
  assert.equal((await verifier.verify(rotated.secret)).ok, false, 'no grace: the previous secret stops at once');
  assert.equal((await verifier.verify(again.secret)).ok, true);
  await store.close();
});

test('keys narrow their team: a larger limit is refused naming the field; audit records changes', async () => {
  const { store, tenancy } = await setUp();
  const team = await tenancy.createTeam({ name: 't', limits: { rpm: 100 } });
  await assert.rejects(tenancy.createKey({ name: 'k', team_id: team.id, limits: { rpm: 500 } }), (error: unknown) => (error as { param?: string }).param === 'limits.rpm');
  await tenancy.createKey({ name: 'k', team_id: team.id, limits: { rpm: 50 } });
  await assert.rejects(tenancy.createTeam({ name: 't' }), (error: unknown) => (error as { status?: number }).status === 409);
  const actions = (await store.listAudit()).map((entry) => entry.action);
  assert.deepEqual(actions, ['key.create', 'team.create']);
  await store.close();
});
