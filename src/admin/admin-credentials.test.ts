import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningGateway } from '../server/start-gateway.js';
import { admin, assertAdminError, assertOk, startAdminTestGateway } from './admin-test-client.js';

const masterKey = 'test-master-key-0123456789-abcdefghijklmnop';
const upstreamKey = 'sk-upstream-stored-credential-secret';

let withoutMasterKey: RunningGateway;
let withMasterKey: RunningGateway;

before(async () => {
  // The cipher is made from the environment at start, so each gateway gets its own.
  withoutMasterKey = await startAdminTestGateway({}, {});
  withMasterKey = await startAdminTestGateway({}, { SLUICE_MASTER_KEY: masterKey });
});

after(async () => {
  await withoutMasterKey.close();
  await withMasterKey.close();
});

const credential = { provider: 'anthropic', name: 'primary', api_key: upstreamKey, weight: 2 };

test('without SLUICE_MASTER_KEY, storing a credential is a clear 400 master_key_missing', async () => {
  const reply = await admin(withoutMasterKey, 'POST', '/credentials', credential);
  assertAdminError(reply, 400, 'master_key_missing');
  assert.match(reply.json.error.message, /SLUICE_MASTER_KEY/);
  assert.ok(!reply.text.includes(upstreamKey));
  assert.deepEqual((await admin(withoutMasterKey, 'GET', '/credentials')).json, { data: [] });
});

test('with it, the credential is stored, used at once, and its key is never echoed', async () => {
  assert.equal(withMasterKey.gateway.credentials.pick('anthropic'), undefined, 'no credential before');
  const created = await admin(withMasterKey, 'POST', '/credentials', credential);
  assertOk(created, 201);
  assert.deepEqual(Object.keys(created.json).sort(), ['created_at', 'id', 'name', 'provider', 'weight']);
  assert.match(created.json.id, /^cred_/);
  assert.equal(created.json.weight, 2);
  assert.equal(withMasterKey.gateway.credentials.pick('anthropic'), upstreamKey, 'this instance uses it at once');

  for (const reply of [created, await admin(withMasterKey, 'GET', '/credentials'), await admin(withMasterKey, 'GET', '/credentials?provider=anthropic')]) {
    assert.ok(!reply.text.includes(upstreamKey), 'API key not echoed');
    assert.doesNotMatch(reply.text, /encrypted|v1\.[\w-]+\.[\w-]+\./, 'not even encrypted');
  }
  const filtered = await admin(withMasterKey, 'GET', '/credentials?provider=anthropic');
  assert.deepEqual(filtered.json.data.map((item: { id: string }) => item.id), [created.json.id]);
  assert.deepEqual((await admin(withMasterKey, 'GET', '/credentials?provider=openai')).json, { data: [] });

  const health = await admin(withMasterKey, 'GET', '/health');
  assert.equal(health.json.providers.find((provider: { name: string }) => provider.name === 'anthropic').stored_credentials, 1);

  const audit = await admin(withMasterKey, 'GET', '/audit');
  assert.ok(!audit.text.includes(upstreamKey), 'not in the audit log either');

  assertAdminError(await admin(withMasterKey, 'POST', '/credentials', credential), 409, 'conflict', 'name');

  const deleted = await admin(withMasterKey, 'DELETE', `/credentials/${created.json.id}`);
  assertOk(deleted);
  assert.deepEqual(deleted.json, { id: created.json.id, deleted: true });
  assert.equal(withMasterKey.gateway.credentials.pick('anthropic'), undefined, 'and dropped at once');
  assertAdminError(await admin(withMasterKey, 'DELETE', `/credentials/${created.json.id}`), 404, 'credential_not_found');
});

test('an unknown provider is a 400 naming provider', async () => {
  assertAdminError(await admin(withMasterKey, 'POST', '/credentials', { ...credential, provider: 'antropic' }), 400, 'invalid_value', 'provider');
});

test('bad credential input names the field', async () => {
  assertAdminError(await admin(withMasterKey, 'POST', '/credentials', { ...credential, api_key: '' }), 400, 'invalid_value', 'api_key');
  assertAdminError(await admin(withMasterKey, 'POST', '/credentials', { ...credential, weight: -1 }), 400, 'invalid_value', 'weight');
  assertAdminError(await admin(withMasterKey, 'POST', '/credentials', { ...credential, extra: true }), 400, 'invalid_value', 'extra');
});
