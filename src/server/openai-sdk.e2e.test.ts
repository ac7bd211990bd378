import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import type { RunningGateway } from './start-gateway.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;
let client: OpenAI;

before(async () => {
  upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-upstream-secret' });
  gateway = await startTestGateway({
    providers: {
      openai: { type: 'openai', api_key: 'sk-upstream-secret', base_url: `${upstream.url}/v1`, models: ['gpt-4o-mini'] },
      azure: { type: 'azure-openai', api_key: 'sk-upstream-secret', base_url: upstream.url, api_version: '2024-10-21' },
    },
    routes: { chat: { targets: [{ model: 'openai/gpt-4o-mini', params: { temperature: 0.5 } }] } },
  });
  client = new OpenAI({ apiKey: 'unused-when-auth-is-off', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

test('chat completion through provider/model, with the gateway headers', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] })
    .withResponse();
  assert.equal(data.choices[0].message.content, 'echo: hello there');
  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.ok(data.usage!.total_tokens > 0);
  assert.equal(response.headers.get('x-sluice-provider'), 'openai');
  assert.equal(response.headers.get('x-sluice-model'), 'openai/gpt-4o-mini');
  assert.match(response.headers.get('x-sluice-request-id')!, /^[0-9a-f-]{36}$/);
  const sent = upstream.requests.at(-1)!;
  assert.equal((sent.body as { model: string }).model, 'gpt-4o-mini');
  assert.equal(sent.headers.authorization, 'Bearer sk-upstream-secret');
});

test('a route name resolves to its target and applies the target parameters', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'chat', messages: [{ role: 'user', content: 'via route' }] })
    .withResponse();
  assert.equal(data.choices[0].message.content, 'echo: via route');
  assert.equal(response.headers.get('x-sluice-route'), 'chat');
  assert.equal((upstream.requests.at(-1)!.body as { temperature: number }).temperature, 0.5);
});

test('streaming: chunks arrive in order, usage only when asked for', async () => {
  const stream = await client.chat.completions.create({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'one two three four' }],
    stream: true,
  });
  let text = '';
  let sawUsage = false;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    if (chunk.usage) sawUsage = true;
  }
  assert.equal(text, 'echo: one two three four');
  assert.equal(sawUsage, false, 'the usage chunk the gateway asked for is not shown to a client that did not ask');
  assert.equal((upstream.requests.at(-1)!.body as { stream_options: { include_usage: boolean } }).stream_options.include_usage, true);

  const withUsage = await client.chat.completions.create({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'count me' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let usageTotal = 0;
  for await (const chunk of withUsage) if (chunk.usage) usageTotal = chunk.usage.total_tokens;
  assert.ok(usageTotal > 0);
});

test('tools: a tool call comes back whole, and streamed in pieces', async () => {
  const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const completion = await client.chat.completions.create({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'what is the weather?' }],
    tools,
  });
  const call = completion.choices[0].message.tool_calls![0];
  assert.equal(completion.choices[0].finish_reason, 'tool_calls');
  assert.equal(call.type === 'function' && call.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(call.type === 'function' ? call.function.arguments : ''), { city: 'Paris' });

  const stream = client.chat.completions.stream({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'weather?' }], tools });
  const final = await stream.finalChatCompletion();
  const streamed = final.choices[0].message.tool_calls![0];
  assert.deepEqual(JSON.parse(streamed.type === 'function' ? streamed.function.arguments : ''), { city: 'Paris' });
});

test('embeddings: the SDK default (base64) decodes to the upstream vector, floats too', async () => {
  const viaBase64 = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: ['alpha', 'beta'] });
  assert.equal(viaBase64.data.length, 2);
  assert.equal((upstream.requests.at(-1)!.body as { encoding_format: string }).encoding_format, 'base64');
  const viaFloat = await client.embeddings.create({ model: 'openai/text-embedding-3-small', input: ['alpha', 'beta'], encoding_format: 'float' });
  for (let index = 0; index < 2; index++) {
    assert.equal(viaBase64.data[index].embedding.length, 8);
    viaBase64.data[index].embedding.forEach((value, position) => assert.ok(Math.abs(value - viaFloat.data[index].embedding[position]) < 1e-6));
  }
  assert.ok(viaFloat.data[0].embedding.some((value) => value !== 0));
});

test('Azure OpenAI: deployment URL, api-version and api-key header', async () => {
  const completion = await client.chat.completions.create({ model: 'azure/my-deployment', messages: [{ role: 'user', content: 'hi azure' }] });
  assert.equal(completion.choices[0].message.content, 'echo: hi azure');
  const sent = upstream.requests.at(-1)!;
  assert.equal(sent.path, '/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21');
  assert.equal(sent.headers['api-key'], 'sk-upstream-secret');
  assert.equal(sent.headers.authorization, undefined);
  const embedding = await client.embeddings.create({ model: 'azure/embed-deployment', input: 'x' });
  assert.equal(embedding.data[0].embedding.length, 8);
});

test('GET /v1/models lists routes and configured models', async () => {
  const models = [];
  for await (const model of client.models.list()) models.push(model.id);
  assert.deepEqual(models, ['chat', 'openai/gpt-4o-mini']);
});

test('native: the official SDK works against /native/openai with the gateway credential injected', async () => {
  const native = new OpenAI({ apiKey: 'client-key-is-replaced', baseURL: `${gateway.url}/native/openai`, maxRetries: 0 });
  const completion = await native.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'raw' }] });
  assert.equal(completion.choices[0].message.content, 'echo: raw');
  assert.equal(upstream.requests.at(-1)!.headers.authorization, 'Bearer sk-upstream-secret');
  const stream = await native.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'raw stream' }], stream: true });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  assert.equal(text, 'echo: raw stream');
});
