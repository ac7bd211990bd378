import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../store/open-store.js';
import { KeyVerifier } from '../tenancy/key-verifier.js';

const cli = fileURLToPath(new URL('./main.js', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'sluice-cli-keys-'));
const database = join(directory, 'sluice.db');
const config = join(directory, 'sluice.yaml');
writeFileSync(config, `storage: sqlite:${database}\nproviders:\n  openai: { type: openai }\n`);

function sluice(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args, '--config', config], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('teams create/list, keys create/list/revoke against the configured store', async () => {
  const team = sluice('teams', 'create', 'search', '--models', 'openai/*', '--rpm', '100', '--json');
  assert.equal(team.status, 0, team.stderr);
  const teamRecord = JSON.parse(team.stdout) as { id: string; allowed_models: string[]; limits: { rpm: number } };
  assert.deepEqual(teamRecord.allowed_models, ['openai/*']);
  assert.equal(teamRecord.limits.rpm, 100);
  assert.equal(sluice('teams', 'create', 'search').status, 1, 'duplicate team name');

  const created = sluice('keys', 'create', '--team', 'search', '--name', 'backend', '--models', 'openai/gpt-4o-mini', '--rpm', '50', '--budget', '20/month', '--expires', '30d', '--json');
  assert.equal(created.status, 0, created.stderr);
  const { key, secret } = JSON.parse(created.stdout) as { key: { id: string; expires_at: string; limits: Record<string, unknown> }; secret: string };
  assert.match(secret, /^sk-sluice-/);
  assert.equal(key.limits.budget_usd, 20);
  const expiresIn = Date.parse(key.expires_at) - Date.now();
  assert.ok(expiresIn > 29 * 86_400_000 && expiresIn <= 30 * 86_400_000);

  const human = sluice('keys', 'create', '--team', teamRecord.id, '--name', 'second');
  assert.equal(human.status, 0, human.stderr);
  assert.match(human.stdout, /Secret \(shown only now/);

  const tooMuch = sluice('keys', 'create', '--team', 'search', '--rpm', '500');
  assert.equal(tooMuch.status, 1);
  assert.match(tooMuch.stderr, /limits\.rpm: 500 exceeds the team's limit of 100/);

  const listed = sluice('keys', 'list', '--team', 'search');
  assert.equal(listed.status, 0);
  assert.match(listed.stdout, /backend/);
  assert.ok(!listed.stdout.includes(secret), 'listing never shows the secret');

  // The key works for the store the gateway uses, until revoked.
  const store = await openStore(`sqlite:${database}`);
  try {
    assert.equal((await new KeyVerifier(store).verify(secret)).ok, true);
    const revoked = sluice('keys', 'revoke', key.id);
    assert.equal(revoked.status, 0, revoked.stderr);
    assert.deepEqual(await new KeyVerifier(store).verify(secret), { ok: false, reason: 'disabled' });
    const audit = (await store.listAudit()).map((entry) => `${entry.actor}:${entry.action}`);
    assert.deepEqual(audit.slice(0, 3), ['cli:key.revoke', 'cli:key.create', 'cli:key.create']);
  } finally {
    await store.close();
  }
  assert.equal(sluice('keys', 'revoke', 'key_missing').status, 1);
  assert.equal(sluice('keys', 'create', '--team', 'nosuch').status, 1);
});
