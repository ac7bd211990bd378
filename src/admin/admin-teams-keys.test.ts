import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunningGateway } from '../server/start-gateway.js';
import { admin, assertAdminError, assertOk, dataPlaneStatus, fullSecretPattern, startAdminTestGateway } from './admin-test-client.js';

let gateway: RunningGateway;

before(async () => {
  gateway = await startAdminTestGateway();
});

after(async () => {
  await gateway.close();
});

async function createTeam(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await admin(gateway, 'POST', '/teams', { name, ...extra });
  assertOk(reply, 201);
  return reply.json.id as string;
}

test('teams: create, get, list, update, delete', async () => {
  const created = await admin(gateway, 'POST', '/teams', { name: 'research', allowed_models: ['openai/*'], limits: { rpm: 100 }, metadata: { owner: 'ana' } });
  assertOk(created, 201);
  const team = created.json;
  assert.match(team.id, /^team_/);
  assert.equal(team.name, 'research');
  assert.deepEqual(team.allowed_models, ['openai/*']);
  assert.equal(team.limits.rpm, 100);
  assert.equal(team.limits.tpm, null);
  assert.deepEqual(team.metadata, { owner: 'ana' });

  const fetched = await admin(gateway, 'GET', `/teams/${team.id}`);
  assertOk(fetched);
  assert.deepEqual(fetched.json, team);

  const listed = await admin(gateway, 'GET', '/teams');
  assertOk(listed);
  assert.ok(Array.isArray(listed.json.data));
  assert.ok(listed.json.data.some((item: { id: string }) => item.id === team.id));

  const updated = await admin(gateway, 'PATCH', `/teams/${team.id}`, { name: 'research-2', limits: { tpm: 5000 } });
  assertOk(updated);
  assert.equal(updated.json.name, 'research-2');
  assert.equal(updated.json.limits.rpm, 100, 'limits are merged, not replaced');
  assert.equal(updated.json.limits.tpm, 5000);

  const deleted = await admin(gateway, 'DELETE', `/teams/${team.id}`);
  assertOk(deleted);
  assert.deepEqual(deleted.json, { id: team.id, deleted: true });
  assertAdminError(await admin(gateway, 'GET', `/teams/${team.id}`), 404, 'team_not_found');
  assertAdminError(await admin(gateway, 'DELETE', `/teams/${team.id}`), 404, 'team_not_found');
});

test('keys: create, get, list, update, revoke, delete; the secret only in the create response', async () => {
  const teamId = await createTeam('keys-team', { limits: { rpm: 60 } });
  const created = await admin(gateway, 'POST', '/keys', { name: 'svc', team_id: teamId, limits: { rpm: 30 }, metadata: { app: 'x' } });
  assertOk(created, 201);
  const { key, secret } = created.json;
  assert.match(secret, fullSecretPattern);
  assert.match(key.id, /^key_/);
  assert.equal(key.status, 'active');
  assert.ok(secret.startsWith(key.secret_prefix));
  assert.equal(key.secret_hash, undefined);
  assert.equal(key.previous_secret_hash, undefined);

  const reads = [
    await admin(gateway, 'GET', `/keys/${key.id}`),
    await admin(gateway, 'GET', '/keys'),
    await admin(gateway, 'GET', `/keys?team_id=${teamId}`),
  ];
  for (const reply of reads) {
    assertOk(reply);
    assert.ok(!reply.text.includes(secret), 'no secret in reads');
    assert.doesNotMatch(reply.text, fullSecretPattern);
    assert.doesNotMatch(reply.text, /secret_hash/);
  }
  assert.equal(reads[0].json.id, key.id);
  assert.deepEqual(reads[2].json.data.map((item: { id: string }) => item.id), [key.id]);

  const updated = await admin(gateway, 'PATCH', `/keys/${key.id}`, { name: 'svc-2', allowed_models: ['openai/gpt-4o-mini'] });
  assertOk(updated);
  assert.equal(updated.json.name, 'svc-2');
  assert.equal(updated.json.limits.rpm, 30);
  assert.doesNotMatch(updated.text, fullSecretPattern);

  assert.equal(await dataPlaneStatus(gateway, secret), 200, 'the new key works on the data plane');
  const revoked = await admin(gateway, 'POST', `/keys/${key.id}/revoke`);
  assertOk(revoked);
  assert.equal(revoked.json.status, 'disabled');
  assert.equal(revoked.json.disabled, true);
  assert.equal(await dataPlaneStatus(gateway, secret), 401, 'a revoked key authenticates nothing');
  assertOk(await admin(gateway, 'GET', `/keys/${key.id}`), 200);

  const deleted = await admin(gateway, 'DELETE', `/keys/${key.id}`);
  assertOk(deleted);
  assert.deepEqual(deleted.json, { id: key.id, deleted: true });
  assertAdminError(await admin(gateway, 'GET', `/keys/${key.id}`), 404, 'key_not_found');
});

test('deleting a team deletes its keys', async () => {
  const teamId = await createTeam('doomed');
  const created = await admin(gateway, 'POST', '/keys', { name: 'k', team_id: teamId });
  assertOk(created, 201);
  assertOk(await admin(gateway, 'DELETE', `/teams/${teamId}`));
  assertAdminError(await admin(gateway, 'GET', `/keys/${created.json.key.id}`), 404);
  assert.equal(await dataPlaneStatus(gateway, created.json.secret), 401);
});

test('rotation with grace: the old secret works during the grace period and not after', async () => {
  const teamId = await createTeam('rotation');
  const created = await admin(gateway, 'POST', '/keys', { name: 'rotating', team_id: teamId });
  assertOk(created, 201);
  const oldSecret: string = created.json.secret;
  assert.equal(await dataPlaneStatus(gateway, oldSecret), 200);

  const rotated = await admin(gateway, 'POST', `/keys/${created.json.key.id}/rotate`, { grace_seconds: 1 });
  assertOk(rotated);
  const newSecret: string = rotated.json.secret;
  assert.match(newSecret, fullSecretPattern);
  assert.notEqual(newSecret, oldSecret);
  assert.equal(rotated.json.key.id, created.json.key.id);
  assert.ok(rotated.json.key.previous_secret_expires_at);
  assert.doesNotMatch(JSON.stringify(rotated.json.key), fullSecretPattern);

  assert.equal(await dataPlaneStatus(gateway, newSecret), 200, 'new secret works');
  assert.equal(await dataPlaneStatus(gateway, oldSecret), 200, 'old secret works during the grace period');
  await sleep(1_200);
  assert.equal(await dataPlaneStatus(gateway, oldSecret), 401, 'old secret stops after the grace period');
  assert.equal(await dataPlaneStatus(gateway, newSecret), 200);

  const listed = await admin(gateway, 'GET', `/keys?team_id=${teamId}`);
  assert.ok(!listed.text.includes(newSecret) && !listed.text.includes(oldSecret));
});

test('rotation without grace (empty body) stops the old secret at once', async () => {
  const teamId = await createTeam('rotation-now');
  const created = await admin(gateway, 'POST', '/keys', { name: 'k', team_id: teamId });
  const rotated = await admin(gateway, 'POST', `/keys/${created.json.key.id}/rotate`);
  assertOk(rotated);
  assert.equal(rotated.json.key.previous_secret_expires_at, null);
  assert.equal(await dataPlaneStatus(gateway, created.json.secret), 401);
  assert.equal(await dataPlaneStatus(gateway, rotated.json.secret), 200);
});

test('the admin token is global: it sees and manages every team (by design)', async () => {
  const first = await createTeam('tenant-a');
  const second = await createTeam('tenant-b');
  await admin(gateway, 'POST', '/keys', { name: 'a', team_id: first });
  await admin(gateway, 'POST', '/keys', { name: 'b', team_id: second });
  const all = await admin(gateway, 'GET', '/keys');
  const teams = new Set(all.json.data.map((key: { team_id: string }) => key.team_id));
  assert.ok(teams.has(first) && teams.has(second));
  // The filter narrows to one team.
  const onlyFirst = await admin(gateway, 'GET', `/keys?team_id=${first}`);
  assert.ok(onlyFirst.json.data.every((key: { team_id: string }) => key.team_id === first));
});

test('20 concurrent key creations for one team all succeed with distinct ids and secrets', async () => {
  const teamId = await createTeam('busy');
  const replies = await Promise.all(
    Array.from({ length: 20 }, (_, index) => admin(gateway, 'POST', '/keys', { name: `worker-${index}`, team_id: teamId })),
  );
  for (const reply of replies) assertOk(reply, 201);
  assert.equal(new Set(replies.map((reply) => reply.json.key.id)).size, 20);
  assert.equal(new Set(replies.map((reply) => reply.json.secret)).size, 20);
  const listed = await admin(gateway, 'GET', `/keys?team_id=${teamId}`);
  assert.equal(listed.json.data.length, 20);
});
