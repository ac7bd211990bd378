import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningGateway } from '../server/start-gateway.js';
import { admin, assertAdminError, assertOk, fullSecretPattern, startAdminTestGateway } from './admin-test-client.js';

let gateway: RunningGateway;

before(async () => {
  gateway = await startAdminTestGateway();
});

after(async () => {
  await gateway.close();
});

interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  details: Record<string, unknown>;
}

async function allEntries(): Promise<AuditEntry[]> {
  const reply = await admin(gateway, 'GET', '/audit?limit=1000');
  assertOk(reply);
  return reply.json.data;
}

test('every change leaves an entry: who, what, when; reads and failures leave none', async () => {
  const started = Date.now();
  const team = (await admin(gateway, 'POST', '/teams', { name: 'audited' })).json;
  await admin(gateway, 'PATCH', `/teams/${team.id}`, { metadata: { a: 'b' } });
  const created = (await admin(gateway, 'POST', '/keys', { name: 'k', team_id: team.id })).json;
  const keyId: string = created.key.id;
  await admin(gateway, 'PATCH', `/keys/${keyId}`, { name: 'k2' });
  const rotated = (await admin(gateway, 'POST', `/keys/${keyId}/rotate`, { grace_seconds: 60 })).json;
  await admin(gateway, 'POST', `/keys/${keyId}/revoke`);
  await admin(gateway, 'DELETE', `/keys/${keyId}`);
  await admin(gateway, 'DELETE', `/teams/${team.id}`);
  // Reads and refused changes are not changes.
  await admin(gateway, 'GET', '/teams');
  assertAdminError(await admin(gateway, 'POST', '/teams', { name: 5 }), 400);

  const entries = await allEntries();
  assert.deepEqual(
    entries.map((entry) => [entry.action, entry.target_id]),
    [
      ['team.delete', team.id],
      ['key.delete', keyId],
      ['key.revoke', keyId],
      ['key.rotate', keyId],
      ['key.update', keyId],
      ['key.create', keyId],
      ['team.update', team.id],
      ['team.create', team.id],
    ],
  );
  for (const entry of entries) {
    assert.equal(entry.actor, 'admin-token');
    const at = Date.parse(entry.at);
    assert.ok(at >= started - 1000 && at <= Date.now() + 1000, `plausible time ${entry.at}`);
  }
  const text = JSON.stringify(entries);
  assert.ok(!text.includes(created.secret) && !text.includes(rotated.secret), 'no secrets in the audit log');
  assert.doesNotMatch(text, fullSecretPattern);
});

test('newest first, paged with before', async () => {
  for (let index = 0; index < 7; index += 1) await admin(gateway, 'POST', '/teams', { name: `paged-${index}` });
  const all = await allEntries();
  const ids = all.map((entry) => entry.id);
  assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');

  const seen: number[] = [];
  let before: number | null = null;
  let pages = 0;
  do {
    const reply = await admin(gateway, 'GET', `/audit?limit=4${before === null ? '' : `&before=${before}`}`);
    assertOk(reply);
    const page = reply.json as { data: AuditEntry[]; has_more: boolean; next_before: number | null };
    assert.ok(page.data.length <= 4);
    seen.push(...page.data.map((entry) => entry.id));
    assert.equal(page.has_more, page.next_before !== null);
    before = page.next_before;
    pages += 1;
  } while (before !== null && pages < 100);
  assert.deepEqual(seen, ids, 'the pages together are the whole log, in order, without overlap');
  assert.equal(pages, Math.ceil(ids.length / 4));

  const first = (await admin(gateway, 'GET', '/audit?limit=1')).json;
  assert.equal(first.data[0].action, 'team.create');
  assert.equal(first.data[0].details.name, 'paged-6');
  assert.equal(first.has_more, true);
});
