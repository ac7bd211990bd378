import assert from 'node:assert/strict';
import { test } from 'node:test';
import { key, team, uniqueSuffix } from './store-contract-fixtures.js';
import type { StoreContractOptions } from './store-contract.js';
import type { AuditRecord } from './store-records.js';
import type { Store } from './store.js';

/**
 * The second half of the store contract: audit log, settings, migrations and concurrency.
 * Registered inside describeStoreContract, so its per-test open/reset/close hooks apply.
 */
export function describeSharedStateContract(current: () => Store, options: StoreContractOptions): void {
  test('appendAudit assigns increasing ids; listAudit is newest first with limit and before', async () => {
    const store = current();
    const appended: AuditRecord[] = [];
    for (let index = 0; index < 5; index += 1) {
      const entry = {
        at: `2026-11-24T03:00:0${index}.000Z`,
        actor: index % 2 === 0 ? 'admin-token' : 'cli',
        action: 'team.update',
        target_type: 'team',
        target_id: index === 4 ? null : `team_${index}`,
        details: { index, changed: ['name', 'limits'], nested: { ok: true, none: null, ratio: 0.5 } },
      };
      const record = await store.appendAudit(entry);
      assert.deepStrictEqual(record, { ...entry, id: record.id });
      appended.push(record);
    }
    for (let index = 1; index < appended.length; index += 1) assert.ok(appended[index].id > appended[index - 1].id);
    const newestFirst = [...appended].reverse();
    assert.deepStrictEqual(await store.listAudit(), newestFirst);
    assert.deepStrictEqual(await store.listAudit({ limit: 2 }), newestFirst.slice(0, 2));
    assert.deepStrictEqual(await store.listAudit({ before: appended[2].id }), [appended[1], appended[0]]);
    assert.deepStrictEqual(await store.listAudit({ before: appended[3].id, limit: 1 }), [appended[2]]);
    assert.deepStrictEqual(await store.listAudit({ limit: 0 }), []);

    const paged: AuditRecord[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await store.listAudit({ limit: 2, before });
      if (page.length === 0) break;
      paged.push(...page);
      before = page[page.length - 1].id;
    }
    assert.deepStrictEqual(paged, newestFirst);
  });

  test('settings: absent is undefined; setSettingIfAbsent keeps the first value', async () => {
    const store = current();
    assert.equal(await store.getSetting('encryption_salt'), undefined);
    assert.equal(await store.setSettingIfAbsent('encryption_salt', 'first'), true);
    assert.equal(await store.setSettingIfAbsent('encryption_salt', 'second'), false);
    assert.equal(await store.getSetting('encryption_salt'), 'first');
    assert.equal(await store.setSettingIfAbsent('other', ''), true);
    assert.equal(await store.getSetting('other'), '');
  });

  test('of 20 concurrent setSettingIfAbsent calls exactly one wins and its value is kept', async () => {
    const store = current();
    const values = Array.from({ length: 20 }, (_, index) => `value-${index}`);
    const results = await Promise.all(values.map((value) => store.setSettingIfAbsent('instance_secret', value)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await store.getSetting('instance_secret'), values[results.indexOf(true)]);
  });

  test('migrate() again is a no-op that keeps the data', async () => {
    const store = current();
    const kept = team();
    await store.insertTeam(kept);
    await store.migrate();
    await store.migrate();
    assert.deepStrictEqual(await store.getTeam(kept.id), kept);
    assert.deepStrictEqual(await store.listTeams(), [kept]);
  });

  test(
    'instances migrating one fresh database at the same time all succeed and share it',
    { skip: options.openFreshInstances ? false : 'instances of this store cannot share a database' },
    async () => {
      const instances = await options.openFreshInstances!(4);
      try {
        await Promise.all(instances.map((instance) => instance.migrate()));
        const teams = instances.map(() => team());
        await Promise.all(instances.map((instance, index) => instance.insertTeam(teams[index])));
        const expected = [...teams].sort((a, b) => (a.name < b.name ? -1 : 1));
        for (const instance of instances) assert.deepStrictEqual(await instance.listTeams(), expected);
      } finally {
        await Promise.all(instances.map((instance) => instance.close()));
      }
    },
  );

  test('50 concurrent insertKey calls all land', async () => {
    const store = current();
    const owner = team();
    await store.insertTeam(owner);
    const keys = Array.from({ length: 50 }, (_, index) =>
      key(owner.id, { name: `bulk-${index}-${uniqueSuffix()}`, created_at: `2026-11-24T03:00:${String(index).padStart(2, '0')}.000Z` }),
    );
    await Promise.all(keys.map((each) => store.insertKey(each)));
    assert.deepStrictEqual(await store.listKeys({ teamId: owner.id }), keys);
    for (const each of keys) assert.deepStrictEqual(await store.findKeyBySecretHash(each.secret_hash), each);
  });
}
