import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningGateway } from '../server/start-gateway.js';
import { admin, assertOk, startAdminTestGateway } from './admin-test-client.js';

let gateway: RunningGateway;

before(async () => {
  gateway = await startAdminTestGateway();
});

after(async () => {
  await gateway.close();
});

test('health and routes answer without secrets', async () => {
  const health = await admin(gateway, 'GET', '/health');
  assertOk(health);
  assert.equal(health.json.status, 'ok');
  assert.equal(health.json.store.status, 'ok');
  assert.deepEqual(health.json.providers.map((provider: { name: string }) => provider.name).sort(), ['anthropic', 'openai']);
  assert.ok(!health.text.includes('sk-upstream-config-key'));
  const routes = await admin(gateway, 'GET', '/routes');
  assertOk(routes);
  assert.deepEqual(routes.json.data[0].name, 'chat');
  assert.equal(routes.json.data[0].targets[0].model, 'openai/gpt-4o-mini');
  assert.ok(!routes.text.includes('sk-upstream-config-key'));
});

test('a failing store makes health degraded, without the driver message', async () => {
  const store = gateway.gateway.store;
  const original = store.listCredentials.bind(store);
  store.listCredentials = async () => {
    throw new Error('connect ECONNREFUSED db.internal:5432 user=sluice');
  };
  try {
    const health = await admin(gateway, 'GET', '/health');
    assertOk(health);
    assert.equal(health.json.status, 'degraded');
    assert.equal(health.json.store.status, 'error');
    assert.doesNotMatch(health.text, /ECONNREFUSED|db\.internal|user=/);
  } finally {
    store.listCredentials = original;
  }
});

test('provider base URLs are shown without user info', async () => {
  const withUserInfo = await startAdminTestGateway({
    providers: { local: { type: 'openai', base_url: 'http://me:hunter2@127.0.0.1:11434/v1' } },
    routes: {},
  });
  try {
    const health = await admin(withUserInfo, 'GET', '/health');
    assert.equal(health.json.providers[0].base_url, 'http://127.0.0.1:11434/v1');
    assert.doesNotMatch(health.text, /hunter2/);
  } finally {
    await withUserInfo.close();
  }
});
