import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import type { RunningGateway } from './start-gateway.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;

before(async () => {
  upstream = await startFakeOpenAIUpstream();
  gateway = await startTestGateway({ providers: { openai: { type: 'openai', base_url: `${upstream.url}/v1` } } }, { SLUICE_MASTER_KEY: 'k'.repeat(40) });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

test('stored credentials are used upstream, spread by weight', async () => {
  const { tenancy, credentials, config } = gateway.gateway;
  const providers = Object.keys(config.providers);
  await tenancy.createCredential({ provider: 'openai', name: 'primary', api_key: 'sk-stored-primary', weight: 3 }, providers);
  await tenancy.createCredential({ provider: 'openai', name: 'secondary', api_key: 'sk-stored-secondary', weight: 1 }, providers);
  await credentials.load();
  const client = new OpenAI({ apiKey: 'x', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
  const seen = new Map<string, number>();
  for (let index = 0; index < 200; index++) {
    await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] });
    const header = String(upstream.requests.at(-1)!.headers.authorization);
    seen.set(header, (seen.get(header) ?? 0) + 1);
  }
  const primary = seen.get('Bearer sk-stored-primary') ?? 0;
  const secondary = seen.get('Bearer sk-stored-secondary') ?? 0;
  assert.equal(primary + secondary, 200);
  // Expected 150/50; 4 standard deviations (~24) of tolerance.
  assert.ok(primary > 120 && primary < 180, `primary got ${primary} of 200`);
  const stored = await gateway.gateway.store.listCredentials();
  assert.ok(stored.every((credential) => !credential.encrypted_secret.includes('sk-stored')), 'encrypted at rest');
});
