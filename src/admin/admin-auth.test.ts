import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningGateway } from '../server/start-gateway.js';
import { admin, adminToken, assertAdminError, assertOk, startAdminTestGateway } from './admin-test-client.js';

let gateway: RunningGateway;

before(async () => {
  gateway = await startAdminTestGateway();
});

after(async () => {
  await gateway.close();
});

test('no token is a 401 in OpenAI shape', async () => {
  assertAdminError(await admin(gateway, 'GET', '/teams', undefined, null), 401, 'missing_admin_token');
});

test('a wrong token is a 401', async () => {
  assertAdminError(await admin(gateway, 'GET', '/teams', undefined, 'not-the-token'), 401, 'invalid_admin_token');
  assertAdminError(await admin(gateway, 'GET', '/teams', undefined, `${adminToken}x`), 401, 'invalid_admin_token');
});

test('a data-plane key is never an admin token', async () => {
  const team = await admin(gateway, 'POST', '/teams', { name: 'auth-team' });
  assertOk(team, 201);
  const created = await admin(gateway, 'POST', '/keys', { name: 'auth-key', team_id: team.json.id });
  assertOk(created, 201);
  assertAdminError(await admin(gateway, 'GET', '/teams', undefined, created.json.secret), 401, 'invalid_admin_token');
});

test('only Authorization: Bearer carries the admin token', async () => {
  const viaApiKey = await fetch(`${gateway.url}/admin/api/v1/teams`, { headers: { 'x-api-key': adminToken } });
  assert.equal(viaApiKey.status, 401);
  const basic = await fetch(`${gateway.url}/admin/api/v1/teams`, { headers: { authorization: `Basic ${adminToken}` } });
  assert.equal(basic.status, 401);
});

test('the right token is accepted (scheme case-insensitive)', async () => {
  assertOk(await admin(gateway, 'GET', '/teams'));
  const lower = await fetch(`${gateway.url}/admin/api/v1/teams`, { headers: { authorization: `bearer ${adminToken}` } });
  assert.equal(lower.status, 200);
});

test('without the token, unknown paths and wrong methods are 401 too (nothing to probe)', async () => {
  assertAdminError(await admin(gateway, 'GET', '/no-such-thing', undefined, null), 401);
  assertAdminError(await admin(gateway, 'PUT', '/teams', undefined, null), 401);
});

test('openapi.json is public; the rest of the API is not', async () => {
  const reply = await admin(gateway, 'GET', '/openapi.json', undefined, null);
  assertOk(reply);
  assert.equal(reply.json.openapi, '3.1.0');
  for (const path of ['/keys', '/credentials', '/audit', '/health', '/routes']) {
    assertAdminError(await admin(gateway, 'GET', path, undefined, null), 401);
  }
});

test('repeated wrong tokens from one address are slowed down with 429', async () => {
  // A gateway of its own, so the other tests' failures do not count.
  const limited = await startAdminTestGateway({ auth: { required: true, failed_attempts_per_minute: 3 } });
  try {
    for (let attempt = 0; attempt < 3; attempt += 1) assertAdminError(await admin(limited, 'GET', '/teams', undefined, 'guess'), 401);
    const refused = await admin(limited, 'GET', '/teams', undefined, adminToken);
    assertAdminError(refused, 429);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
  } finally {
    await limited.close();
  }
});
