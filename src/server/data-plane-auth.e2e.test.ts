import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { request as httpRequest } from 'undici';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import { startFakeAnthropicUpstream, defaultFakeAnthropicKey, type FakeAnthropicUpstream } from '../testing/fake-anthropic-upstream.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import type { RunningGateway } from './start-gateway.js';

let openaiUpstream: FakeUpstreamControls;
let anthropicUpstream: FakeAnthropicUpstream;
let gateway: RunningGateway;
let alpha: { teamId: string; secret: string; keyId: string };
let beta: { teamId: string; secret: string };
const storage = `sqlite:${join(mkdtempSync(join(tmpdir(), 'sluice-auth-')), 'sluice.db')}`;

function providers() {
  return {
    openai: { type: 'openai', api_key: 'sk-upstream', base_url: `${openaiUpstream.url}/v1`, models: ['gpt-4o-mini', 'gpt-4.1'], byok: true },
    anthropic: { type: 'anthropic', api_key: defaultFakeAnthropicKey, base_url: anthropicUpstream.url, models: ['claude-3-5-haiku-latest'] },
  };
}

before(async () => {
  openaiUpstream = await startFakeOpenAIUpstream();
  anthropicUpstream = await startFakeAnthropicUpstream();
  gateway = await startTestGateway({
    storage,
    auth: { required: true, key_cache_ttl_ms: 300, failed_attempts_per_minute: 1000 },
    providers: providers(),
    routes: { chat: { targets: [{ model: 'openai/gpt-4o-mini' }] } },
  });
  const { tenancy } = gateway.gateway;
  const teamA = await tenancy.createTeam({ name: 'alpha', allowed_models: ['openai/*', 'chat', 'anthropic/*'] });
  const teamB = await tenancy.createTeam({ name: 'beta', allowed_models: ['anthropic/*'] });
  const keyA = await tenancy.createKey({ name: 'app', team_id: teamA.id, allowed_models: ['openai/gpt-4o-mini', 'chat', 'anthropic/*'] });
  const keyB = await tenancy.createKey({ name: 'app', team_id: teamB.id });
  alpha = { teamId: teamA.id, secret: keyA.secret, keyId: keyA.key.id };
  beta = { teamId: teamB.id, secret: keyB.secret };
});

after(async () => {
  await gateway.close();
  await openaiUpstream.close();
  await anthropicUpstream.close();
});

const chat = (secret: string, model = 'openai/gpt-4o-mini') =>
  new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1`, maxRetries: 0 }).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

test('the OpenAI SDK authenticates with Bearer; a missing or unknown key is 401', async () => {
  assert.equal((await chat(alpha.secret)).choices[0].message.content, 'echo: hi');
  await assert.rejects(chat('sk-sluice-not-a-real-key'), (error: unknown) => error instanceof OpenAI.AuthenticationError && /Invalid gateway key/.test(error.message));
  const anonymous = await httpRequest(`${gateway.url}/v1/models`);
  assert.equal(anonymous.statusCode, 401);
  assert.equal(((await anonymous.body.json()) as { error: { code: string } }).error.code, 'missing_api_key');
});

test('x-api-key, x-goog-api-key and x-sluice-key carry the gateway key too', async () => {
  for (const header of ['x-api-key', 'x-goog-api-key', 'x-sluice-key']) {
    const response = await httpRequest(`${gateway.url}/v1/models`, { headers: { [header]: alpha.secret } });
    assert.equal(response.statusCode, 200, header);
    await response.body.text();
  }
});

test('the Anthropic SDK on /native/anthropic authenticates with the gateway key', async () => {
  const client = new Anthropic({ apiKey: alpha.secret, baseURL: `${gateway.url}/native/anthropic`, maxRetries: 0 });
  const message = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] });
  assert.equal(message.content[0].type === 'text' && message.content[0].text, 'Echo: hello');
  assert.equal(anthropicUpstream.requests.at(-1)!.headers['x-api-key'], defaultFakeAnthropicKey, 'the gateway key is replaced by the provider key');
  const wrong = new Anthropic({ apiKey: 'sk-sluice-wrong', baseURL: `${gateway.url}/native/anthropic`, maxRetries: 0 });
  await assert.rejects(wrong.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] }), Anthropic.AuthenticationError);
});

test('403 model_not_allowed outside the allow-lists; the key narrows its team', async () => {
  await assert.rejects(chat(alpha.secret, 'openai/gpt-4.1'), (error: unknown) => error instanceof OpenAI.PermissionDeniedError && error.code === 'model_not_allowed');
  await assert.rejects(chat(beta.secret, 'openai/gpt-4o-mini'), (error: unknown) => error instanceof OpenAI.PermissionDeniedError);
  await assert.rejects(chat(beta.secret, 'chat'), (error: unknown) => error instanceof OpenAI.PermissionDeniedError, 'a route outside the list is refused too');
  const native = new OpenAI({ apiKey: beta.secret, baseURL: `${gateway.url}/native/openai`, maxRetries: 0 });
  await assert.rejects(native.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }), OpenAI.PermissionDeniedError);
});

test('/v1/models lists only what the key may call', async () => {
  const list = async (secret: string) => {
    const ids: string[] = [];
    for await (const model of new OpenAI({ apiKey: secret, baseURL: `${gateway.url}/v1` }).models.list()) ids.push(model.id);
    return ids;
  };
  assert.deepEqual(await list(alpha.secret), ['chat', 'openai/gpt-4o-mini', 'anthropic/claude-3-5-haiku-latest']);
  assert.deepEqual(await list(beta.secret), ['anthropic/claude-3-5-haiku-latest']);
});

test('expired and revoked keys are 401; revocation on this instance is immediate', async () => {
  const { tenancy } = gateway.gateway;
  const expired = await tenancy.createKey({ name: 'old', team_id: alpha.teamId, expires_at: new Date(Date.now() - 1000).toISOString() });
  await assert.rejects(chat(expired.secret), (error: unknown) => error instanceof OpenAI.AuthenticationError && /expired/.test(error.message));
  const doomed = await tenancy.createKey({ name: 'doomed', team_id: alpha.teamId });
  assert.ok(await chat(doomed.secret));
  await tenancy.revokeKey(doomed.key.id);
  await assert.rejects(chat(doomed.secret), (error: unknown) => error instanceof OpenAI.AuthenticationError && /revoked/.test(error.message));
});

test('a revocation on another instance takes effect within the cache window', async () => {
  const other = await startTestGateway({ storage, auth: { required: true, key_cache_ttl_ms: 300 }, providers: providers() });
  try {
    const key = await gateway.gateway.tenancy.createKey({ name: 'shared', team_id: alpha.teamId });
    const viaOther = () => httpRequest(`${other.url}/v1/models`, { headers: { authorization: `Bearer ${key.secret}` } }).then(async (response) => (await response.body.text(), response.statusCode));
    assert.equal(await viaOther(), 200);
    await gateway.gateway.tenancy.revokeKey(key.key.id);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(await viaOther(), 401);
  } finally {
    await other.close();
  }
});

test('rotation: the old secret works during the grace period only', async () => {
  const { tenancy } = gateway.gateway;
  const original = await tenancy.createKey({ name: 'rotating', team_id: alpha.teamId });
  const rotated = await tenancy.rotateKey(original.key.id, { grace_seconds: 1 });
  assert.notEqual(rotated.secret, original.secret);
  assert.ok(await chat(rotated.secret));
  assert.ok(await chat(original.secret), 'old secret within grace');
  await new Promise((resolve) => setTimeout(resolve, 1_400));
  await assert.rejects(chat(original.secret), OpenAI.AuthenticationError);
  assert.ok(await chat(rotated.secret));
});

test('BYOK: with the gateway key in x-sluice-key, the caller key goes upstream where allowed', async () => {
  const response = await httpRequest(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sluice-key': alpha.secret, authorization: 'Bearer sk-callers-own-openai-key' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'byok' }] }),
  });
  assert.equal(response.statusCode, 200);
  await response.body.text();
  assert.equal(openaiUpstream.requests.at(-1)!.headers.authorization, 'Bearer sk-callers-own-openai-key');
  const anthropicByok = await httpRequest(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sluice-key': alpha.secret, authorization: 'Bearer callers-anthropic-key' },
    body: JSON.stringify({ model: 'anthropic/claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'no byok here' }] }),
  });
  assert.equal(anthropicByok.statusCode, 200);
  assert.match(String(anthropicByok.headers['x-sluice-warnings']), /does not allow BYOK/);
  await anthropicByok.body.text();
  assert.equal(anthropicUpstream.requests.at(-1)!.headers['x-api-key'], defaultFakeAnthropicKey);
});

test('failed authentications are limited per client address', async () => {
  const local = await startTestGateway({ auth: { required: true, failed_attempts_per_minute: 3 }, providers: providers() });
  try {
    const attempt = async (secret: string) => {
      const response = await httpRequest(`${local.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
      await response.body.text();
      return response;
    };
    for (let index = 0; index < 3; index++) assert.equal((await attempt(`sk-sluice-guess-${index}`)).statusCode, 401);
    const blocked = await attempt('sk-sluice-guess-4');
    assert.equal(blocked.statusCode, 429);
    assert.ok(Number(blocked.headers['retry-after']) >= 1);
  } finally {
    await local.close();
  }
});

test('secrets are never in responses or logs of the data plane', async () => {
  const response = await httpRequest(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${alpha.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'nosuch/model', messages: [{ role: 'user', content: 'x' }] }),
  });
  const text = await response.body.text();
  assert.equal(response.statusCode, 403);
  assert.ok(!text.includes(alpha.secret) && !text.includes('sk-upstream'));
});
