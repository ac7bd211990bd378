import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openStore } from './open-store.js';
import { team } from './store-contract-fixtures.js';

const directory = mkdtempSync(join(tmpdir(), 'sluice-open-store-'));
after(() => rmSync(directory, { recursive: true, force: true }));

describe('openStore', () => {
  test('memory opens a migrated SQLite store that keeps nothing', async () => {
    const first = await openStore('memory');
    assert.equal(first.kind, 'sqlite');
    await first.insertTeam(team({ name: 'ephemeral' }));
    await first.close();
    const second = await openStore('memory');
    assert.deepStrictEqual(await second.listTeams(), []);
    await second.close();
  });

  test('sqlite:PATH creates the directory, migrates, and reopens the same data', async () => {
    const path = join(directory, 'nested', 'deeper', 'sluice.db');
    const stored = team();
    const first = await openStore(`sqlite:${path}`);
    await first.insertTeam(stored);
    await first.close();
    assert.ok(existsSync(path));
    const second = await openStore(`sqlite:${path}`);
    assert.deepStrictEqual(await second.getTeam(stored.id), stored);
    await second.close();
  });

  test('rejects an unknown scheme without echoing a password, and an empty sqlite path', async () => {
    await assert.rejects(openStore('mysql://root:hunter2@db/sluice'), (error: Error) => {
      assert.match(error.message, /unsupported storage/);
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
    await assert.rejects(openStore('sqlite:'), /needs a file path/);
  });
});
