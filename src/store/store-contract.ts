import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { credential, key, limits, noLimits, team } from './store-contract-fixtures.js';
import { describeSharedStateContract } from './store-contract-shared-state.js';
import { StoreConflictError, type Store } from './store.js';

export interface StoreContractOptions {
  /**
   * Opens `count` instances on one new, unmigrated database, for the concurrent-migration test.
   * Absent when instances cannot share a database (`:memory:`): that test is then skipped.
   */
  openFreshInstances?: (count: number) => Promise<Store[]>;
}

/** Asserts that `action` rejects with a StoreConflictError on `field` whose message mentions `mentions`. */
export async function assertConflict(action: Promise<unknown>, field: string, mentions: string): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(error instanceof StoreConflictError, `expected StoreConflictError, got ${String(error)}`);
    assert.equal(error.field, field);
    assert.ok(error.message.includes(mentions), `message "${error.message}" should mention "${mentions}"`);
    return true;
  });
}

/**
 * The behaviour every Store must have, registered as node:test tests. `open` returns a new
 * instance on the suite's database (each test opens one, migrates it and closes it); `reset`
 * empties that database before each test when instances share it.
 */
export function describeStoreContract(
  name: string,
  open: () => Promise<Store>,
  reset?: (store: Store) => Promise<void>,
  options: StoreContractOptions = {},
): void {
  describe(`${name}: store contract`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
      await store.migrate();
      if (reset) await reset(store);
    });
    afterEach(async () => {
      await store.close();
    });

    test('a team round-trips exactly and is found by id and by name', async () => {
      const stored = team({ name: "Data 'Science' 🚀", created_at: '2026-11-24T03:00:00Z', updated_at: '2026-11-24T03:00:00.123456Z' });
      const unrestricted = team({ allowed_models: null, limits: noLimits(), metadata: {} });
      await store.insertTeam(stored);
      await store.insertTeam(unrestricted);
      assert.deepStrictEqual(await store.getTeam(stored.id), stored);
      assert.deepStrictEqual(await store.getTeamByName(stored.name), stored);
      assert.deepStrictEqual(await store.getTeam(unrestricted.id), unrestricted);
      assert.equal(await store.getTeam('team_missing'), undefined);
      assert.equal(await store.getTeamByName('missing'), undefined);
    });

    test('listTeams returns every team ordered by name', async () => {
      const teams = [team({ name: 'charlie' }), team({ name: 'Alpha' }), team({ name: 'bravo' })];
      for (const each of teams) await store.insertTeam(each);
      // Code-point order (uppercase first) in both backends.
      assert.deepStrictEqual(await store.listTeams(), [teams[1], teams[2], teams[0]]);
    });

    test('a duplicate team name is a conflict on "name"', async () => {
      const first = team();
      await store.insertTeam(first);
      await assertConflict(store.insertTeam(team({ name: first.name })), 'name', `a team named "${first.name}" already exists`);
      assert.equal((await store.listTeams()).length, 1);
    });

    test('of 10 concurrent inserts of one team name exactly one succeeds', async () => {
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.insertTeam(team({ name: 'racing' }))));
      assert.equal(results.filter((result) => result.status === 'fulfilled').length, 1);
      for (const result of results) {
        if (result.status === 'rejected') assert.ok(result.reason instanceof StoreConflictError);
      }
    });

    test('updateTeam changes only the given fields and returns the stored record', async () => {
      const original = team();
      await store.insertTeam(original);
      const patch = { allowed_models: null, limits: limits({ rpm: 5 }), metadata: { tier: 'gold' }, updated_at: '2026-12-01T00:00:00.000Z' };
      const expected = { ...original, ...patch };
      assert.deepStrictEqual(await store.updateTeam(original.id, { ...patch, name: undefined }), expected);
      assert.deepStrictEqual(await store.getTeam(original.id), expected);
      assert.deepStrictEqual(await store.updateTeam(original.id, {}), expected);
      const renamed = await store.updateTeam(original.id, { name: 'renamed' });
      assert.equal(renamed?.name, 'renamed');
      assert.deepStrictEqual(await store.getTeamByName('renamed'), { ...expected, name: 'renamed' });
    });

    test('updateTeam of an unknown id returns undefined and a taken name is a conflict', async () => {
      assert.equal(await store.updateTeam('team_missing', { name: 'x' }), undefined);
      assert.equal(await store.updateTeam('team_missing', {}), undefined);
      const [first, second] = [team(), team()];
      await store.insertTeam(first);
      await store.insertTeam(second);
      await assertConflict(store.updateTeam(second.id, { name: first.name }), 'name', first.name);
      assert.deepStrictEqual(await store.getTeam(second.id), second);
    });

    test('deleteTeam removes the team and cascades to its keys only', async () => {
      const [doomed, kept] = [team(), team()];
      await store.insertTeam(doomed);
      await store.insertTeam(kept);
      const doomedKey = key(doomed.id);
      const keptKey = key(kept.id);
      await store.insertKey(doomedKey);
      await store.insertKey(keptKey);
      assert.equal(await store.deleteTeam(doomed.id), true);
      assert.equal(await store.getTeam(doomed.id), undefined);
      assert.equal(await store.getKey(doomedKey.id), undefined);
      assert.equal(await store.findKeyBySecretHash(doomedKey.secret_hash), undefined);
      assert.deepStrictEqual(await store.listKeys(), [keptKey]);
      assert.equal(await store.deleteTeam(doomed.id), false);
    });

    test('a key round-trips exactly (booleans, nulls, empty and null arrays, timestamps)', async () => {
      const owner = team();
      await store.insertTeam(owner);
      const active = key(owner.id);
      const rotated = key(owner.id, {
        disabled: true,
        allowed_models: null,
        expires_at: null,
        previous_secret_hash: 'a'.repeat(64),
        previous_secret_expires_at: '2026-11-25T03:00:00.000Z',
        metadata: { app: 'billing', 'x-env': 'prod' },
        limits: noLimits(),
      });
      await store.insertKey(active);
      await store.insertKey(rotated);
      assert.deepStrictEqual(await store.getKey(active.id), active);
      assert.deepStrictEqual(await store.getKey(rotated.id), rotated);
      assert.equal(await store.getKey('key_missing'), undefined);
    });

    test('key names are unique within a team but may repeat across teams', async () => {
      const [first, second] = [team(), team()];
      await store.insertTeam(first);
      await store.insertTeam(second);
      await store.insertKey(key(first.id, { name: 'ci' }));
      await assertConflict(store.insertKey(key(first.id, { name: 'ci' })), 'name', '"ci"');
      await store.insertKey(key(second.id, { name: 'ci' }));
      assert.equal((await store.listKeys()).length, 2);
    });

    test('a key for a team that does not exist is rejected, not stored', async () => {
      const orphan = key('team_missing');
      await assert.rejects(store.insertKey(orphan), (error: unknown) => !(error instanceof StoreConflictError));
      assert.equal(await store.getKey(orphan.id), undefined);
    });

    test('findKeyBySecretHash finds a key by its current and by its previous hash', async () => {
      const owner = team();
      await store.insertTeam(owner);
      const current = key(owner.id);
      const rotated = key(owner.id, { previous_secret_hash: 'b'.repeat(64), previous_secret_expires_at: '2026-11-25T00:00:00.000Z' });
      await store.insertKey(current);
      await store.insertKey(rotated);
      assert.deepStrictEqual(await store.findKeyBySecretHash(current.secret_hash), current);
      assert.deepStrictEqual(await store.findKeyBySecretHash(rotated.secret_hash), rotated);
      assert.deepStrictEqual(await store.findKeyBySecretHash('b'.repeat(64)), rotated);
      assert.equal(await store.findKeyBySecretHash('c'.repeat(64)), undefined);
    });

    test('listKeys lists every key by creation time, or one team\'s keys', async () => {
      const [first, second] = [team(), team()];
      await store.insertTeam(first);
      await store.insertTeam(second);
      const late = key(first.id, { created_at: '2026-11-24T05:00:00.000Z' });
      const early = key(second.id, { created_at: '2026-11-24T01:00:00.000Z' });
      const middle = key(first.id, { created_at: '2026-11-24T03:00:00.000Z' });
      for (const each of [late, early, middle]) await store.insertKey(each);
      assert.deepStrictEqual(await store.listKeys(), [early, middle, late]);
      assert.deepStrictEqual(await store.listKeys({}), [early, middle, late]);
      assert.deepStrictEqual(await store.listKeys({ teamId: first.id }), [middle, late]);
      assert.deepStrictEqual(await store.listKeys({ teamId: 'team_missing' }), []);
    });

    test('updateKey rotates, disables and renames; unknown id gives undefined', async () => {
      const owner = team();
      await store.insertTeam(owner);
      const original = key(owner.id);
      const sibling = key(owner.id);
      await store.insertKey(original);
      await store.insertKey(sibling);
      const rotation = {
        secret_prefix: 'sk-sluice-new1',
        secret_hash: 'd'.repeat(64),
        previous_secret_hash: original.secret_hash,
        previous_secret_expires_at: '2026-11-24T04:00:00.000Z',
        disabled: true,
        expires_at: null,
        updated_at: '2026-11-24T03:30:00.000Z',
      };
      const expected = { ...original, ...rotation };
      assert.deepStrictEqual(await store.updateKey(original.id, rotation), expected);
      assert.deepStrictEqual(await store.getKey(original.id), expected);
      assert.deepStrictEqual(await store.findKeyBySecretHash(original.secret_hash), expected);
      assert.deepStrictEqual(await store.updateKey(original.id, { disabled: false }), { ...expected, disabled: false });
      assert.equal(await store.updateKey('key_missing', { disabled: true }), undefined);
      await assertConflict(store.updateKey(original.id, { name: sibling.name }), 'name', sibling.name);
    });

    test('deleteKey removes one key and reports whether it existed', async () => {
      const owner = team();
      await store.insertTeam(owner);
      const [doomed, kept] = [key(owner.id), key(owner.id)];
      await store.insertKey(doomed);
      await store.insertKey(kept);
      assert.equal(await store.deleteKey(doomed.id), true);
      assert.equal(await store.deleteKey(doomed.id), false);
      assert.deepStrictEqual(await store.listKeys(), [kept]);
    });

    test('credentials round-trip, list by provider and name, and delete', async () => {
      const a = credential({ provider: 'openai', name: 'b-backup', weight: 1 });
      const b = credential({ provider: 'anthropic', name: 'main', weight: 2.5 });
      const c = credential({ provider: 'openai', name: 'a-main', weight: 0.25 });
      for (const each of [a, b, c]) await store.insertCredential(each);
      assert.deepStrictEqual(await store.getCredential(a.id), a);
      assert.equal(await store.getCredential('cred_missing'), undefined);
      assert.deepStrictEqual(await store.listCredentials(), [b, c, a]);
      assert.deepStrictEqual(await store.listCredentials({ provider: 'openai' }), [c, a]);
      assert.deepStrictEqual(await store.listCredentials({ provider: 'gemini' }), []);
      assert.equal(await store.deleteCredential(c.id), true);
      assert.equal(await store.deleteCredential(c.id), false);
      assert.deepStrictEqual(await store.listCredentials({ provider: 'openai' }), [a]);
    });

    test('credential names are unique within a provider but may repeat across providers', async () => {
      await store.insertCredential(credential({ provider: 'openai', name: 'main' }));
      await assertConflict(store.insertCredential(credential({ provider: 'openai', name: 'main' })), 'name', '"main"');
      await store.insertCredential(credential({ provider: 'gemini', name: 'main' }));
      assert.equal((await store.listCredentials()).length, 2);
    });

    describeSharedStateContract(() => store, options);
  });
}
