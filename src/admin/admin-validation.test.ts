import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { request } from 'undici';
import type { RunningGateway } from '../server/start-gateway.js';
import { admin, adminToken, assertAdminError, assertOk, startAdminTestGateway } from './admin-test-client.js';

const maxBodyBytes = 2048;
let gateway: RunningGateway;
let teamId: string;

before(async () => {
  gateway = await startAdminTestGateway({ server: { max_body_bytes: maxBodyBytes } });
  const team = await admin(gateway, 'POST', '/teams', { name: 'validation', limits: { rpm: 10 } });
  assertOk(team, 201);
  teamId = team.json.id;
});

after(async () => {
  await gateway.close();
});

test('a wrong type is a 400 naming the field', async () => {
  assertAdminError(await admin(gateway, 'POST', '/teams', { name: 5 }), 400, 'invalid_value', 'name');
  assertAdminError(await admin(gateway, 'POST', '/teams', { name: 'ok', limits: { rpm: 'fast' } }), 400, 'invalid_value', 'limits.rpm');
  assertAdminError(await admin(gateway, 'PATCH', `/teams/${teamId}`, { allowed_models: 'openai/*' }), 400, 'invalid_value', 'allowed_models');
  assertAdminError(await admin(gateway, 'POST', '/keys', { name: 'k', team_id: teamId, expires_at: 'tomorrow' }), 400, 'invalid_value', 'expires_at');
  assertAdminError(await admin(gateway, 'POST', '/keys/nope/rotate', { grace_seconds: -1 }), 400, 'invalid_value', 'grace_seconds');
  assertAdminError(await admin(gateway, 'POST', '/teams', [1, 2]), 400, 'invalid_value');
});

test('unknown fields are refused, by name', async () => {
  assertAdminError(await admin(gateway, 'POST', '/teams', { name: 'x', colour: 'red' }), 400, 'invalid_value', 'colour');
  assertAdminError(await admin(gateway, 'PATCH', `/teams/${teamId}`, { limits: { rps: 1 } }), 400, 'invalid_value', 'limits.rps');
  assertAdminError(await admin(gateway, 'POST', '/keys', { name: 'k', team_id: teamId, secret: 'sk-sluice-mine' }), 400, 'invalid_value', 'secret');
});

test('unknown query parameters and bad query values are refused', async () => {
  assertAdminError(await admin(gateway, 'GET', '/keys?teamid=x'), 400, 'invalid_value', 'teamid');
  assertAdminError(await admin(gateway, 'GET', '/audit?limit=lots'), 400, 'invalid_value', 'limit');
  assertAdminError(await admin(gateway, 'GET', '/audit?limit=0'), 400, 'invalid_value', 'limit');
  assertAdminError(await admin(gateway, 'GET', '/audit?before=-3'), 400, 'invalid_value', 'before');
});

test('unknown ids are 404', async () => {
  assertAdminError(await admin(gateway, 'GET', '/teams/team_missing'), 404, 'team_not_found');
  assertAdminError(await admin(gateway, 'PATCH', '/teams/team_missing', { name: 'x' }), 404, 'team_not_found');
  assertAdminError(await admin(gateway, 'GET', '/keys/key_missing'), 404, 'key_not_found');
  assertAdminError(await admin(gateway, 'PATCH', '/keys/key_missing', { name: 'x' }), 404, 'key_not_found');
  assertAdminError(await admin(gateway, 'POST', '/keys/key_missing/revoke'), 404, 'key_not_found');
  assertAdminError(await admin(gateway, 'POST', '/keys/key_missing/rotate', { grace_seconds: 10 }), 404, 'key_not_found');
  assertAdminError(await admin(gateway, 'DELETE', '/keys/key_missing'), 404, 'key_not_found');
  assertAdminError(await admin(gateway, 'DELETE', '/credentials/cred_missing'), 404, 'credential_not_found');
  assertAdminError(await admin(gateway, 'POST', '/keys', { name: 'k', team_id: 'team_missing' }), 404, 'team_not_found');
  assertAdminError(await admin(gateway, 'GET', '/keys?team_id=team_missing'), 404, 'team_not_found');
});

test('duplicate names are 409', async () => {
  assertAdminError(await admin(gateway, 'POST', '/teams', { name: 'validation' }), 409, 'conflict', 'name');
  const other = await admin(gateway, 'POST', '/teams', { name: 'validation-other' });
  assertAdminError(await admin(gateway, 'PATCH', `/teams/${other.json.id}`, { name: 'validation' }), 409, 'conflict', 'name');
  assertOk(await admin(gateway, 'POST', '/keys', { name: 'twin', team_id: teamId }), 201);
  assertAdminError(await admin(gateway, 'POST', '/keys', { name: 'twin', team_id: teamId }), 409, 'conflict', 'name');
});

test("a key may not exceed its team's limits", async () => {
  assertAdminError(await admin(gateway, 'POST', '/keys', { name: 'greedy', team_id: teamId, limits: { rpm: 11 } }), 400, 'invalid_value', 'limits.rpm');
  const key = await admin(gateway, 'POST', '/keys', { name: 'modest', team_id: teamId, limits: { rpm: 10 } });
  assertOk(key, 201);
  assertAdminError(await admin(gateway, 'PATCH', `/keys/${key.json.key.id}`, { limits: { rpm: 50 } }), 400, 'invalid_value', 'limits.rpm');
});

test('invalid JSON and a missing body are 400 invalid_json', async () => {
  assertAdminError(await admin(gateway, 'POST', '/teams', '{"name": "x",'), 400, 'invalid_json');
  assertAdminError(await admin(gateway, 'POST', '/teams', 'name=x'), 400, 'invalid_json');
  assertAdminError(await admin(gateway, 'POST', '/teams'), 400, 'invalid_json');
  assertAdminError(await admin(gateway, 'PATCH', `/teams/${teamId}`, ''), 400, 'invalid_json');
});

test('an oversize body is 413, whether declared or streamed', async () => {
  const big = { name: 'big', metadata: { padding: 'x'.repeat(1000), more: 'y'.repeat(1000) } };
  assertAdminError(await admin(gateway, 'POST', '/teams', big), 413, 'request_too_large');
  // Chunked, without content-length: the limit is enforced while reading.
  async function* chunks() {
    yield '{"name":"streamed","metadata":{"p":"';
    for (let index = 0; index < 10; index += 1) yield 'z'.repeat(512);
    yield '"}}';
  }
  const streamed = await request(`${gateway.url}/admin/api/v1/teams`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: Readable.from(chunks()),
  });
  assert.equal(streamed.statusCode, 413);
  const body = (await streamed.body.json()) as { error: { code: string } };
  assert.equal(body.error.code, 'request_too_large');
  // The gateway still answers afterwards.
  assertOk(await admin(gateway, 'GET', '/teams'));
});

test('unknown routes are 404, wrong methods 405 with Allow', async () => {
  assertAdminError(await admin(gateway, 'GET', '/nothing-here'), 404, 'unknown_url');
  assertAdminError(await admin(gateway, 'GET', ''), 404, 'unknown_url');
  assertAdminError(await admin(gateway, 'GET', '/teams/a/b/c'), 404, 'unknown_url');
  const wrong = await admin(gateway, 'PUT', `/teams/${teamId}`, { name: 'x' });
  assertAdminError(wrong, 405, 'method_not_allowed');
  assert.deepEqual(wrong.headers.get('allow')?.split(', ').sort(), ['DELETE', 'GET', 'PATCH']);
  assertAdminError(await admin(gateway, 'GET', '/keys/x/rotate'), 405, 'method_not_allowed');
  assertAdminError(await admin(gateway, 'DELETE', '/teams'), 405, 'method_not_allowed');
});

test('a trailing slash and percent-encoded ids address the same resource', async () => {
  assertOk(await admin(gateway, 'GET', '/teams/'));
  assertOk(await admin(gateway, 'GET', `/teams/${encodeURIComponent(teamId)}`));
  assertAdminError(await admin(gateway, 'GET', '/teams/%E0%A4%A'), 404);
});

test('an unexpected failure is a generic 500 without details', async () => {
  const original = gateway.gateway.store.listTeams.bind(gateway.gateway.store);
  gateway.gateway.store.listTeams = async () => {
    throw new Error('database on fire at /secret/path.js:12');
  };
  try {
    const reply = await admin(gateway, 'GET', '/teams');
    assertAdminError(reply, 500, 'internal_error');
    assert.doesNotMatch(reply.text, /fire|secret/);
  } finally {
    gateway.gateway.store.listTeams = original;
  }
});
