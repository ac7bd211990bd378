import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import type { RunningGateway } from '../server/start-gateway.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;
let client: OpenAI;

const awsKey = 'AKIAQX3L7RZKJ5TWN2PB';

before(async () => {
  upstream = await startFakeOpenAIUpstream();
  gateway = await startTestGateway({
    providers: { openai: { type: 'openai', api_key: 'sk-upstream', base_url: `${upstream.url}/v1` } },
    guardrails: {
      'no-secrets': { type: 'secrets', action: 'block', apply_to: ['request'] },
      pii: { type: 'pii', entities: ['email'], action: 'redact', apply_to: ['request'] },
    },
    routes: {
      'embed-blocking': { targets: [{ model: 'openai/text-embedding-3-small' }], guardrails: ['no-secrets'] },
      'embed-redacting': { targets: [{ model: 'openai/text-embedding-3-small' }], guardrails: ['pii'] },
      'embed-open': { targets: [{ model: 'openai/text-embedding-3-small' }] },
    },
  });
  client = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

test('embeddings inputs are guarded like prompts: a secret is refused and never sent upstream', async () => {
  const before = upstream.requests.length;
  await assert.rejects(client.embeddings.create({ model: 'embed-blocking', input: ['fine text', `key ${awsKey}`] }), (error: unknown) => {
    assert.ok(error instanceof OpenAI.BadRequestError);
    assert.equal(error.code, 'guardrail_blocked');
    assert.match(error.message, /no-secrets/);
    assert.doesNotMatch(error.message, new RegExp(awsKey));
    return true;
  });
  assert.equal(upstream.requests.length, before);
});

test('redaction embeds the masked text, item by item; token arrays and unguarded routes pass untouched', async () => {
  const { data, response } = await client.embeddings.create({ model: 'embed-redacting', input: ['write to ana@example.com', 'nothing here'] }).withResponse();
  assert.equal(data.data.length, 2);
  assert.match(response.headers.get('x-sluice-guardrails') ?? '', /pii/);
  const sent = upstream.requests.at(-1)!.body as { input: string[] };
  assert.equal(sent.input[1], 'nothing here');
  assert.doesNotMatch(sent.input[0], /ana@example\.com/);
  assert.match(sent.input[0], /\[EMAIL_1\]/);

  await client.embeddings.create({ model: 'embed-redacting', input: [[1, 2, 3]] as unknown as string[] });
  assert.deepEqual((upstream.requests.at(-1)!.body as { input: unknown }).input, [[1, 2, 3]]);
  await client.embeddings.create({ model: 'embed-open', input: 'mail ana@example.com' });
  assert.equal((upstream.requests.at(-1)!.body as { input: unknown }).input, 'mail ana@example.com');
});
