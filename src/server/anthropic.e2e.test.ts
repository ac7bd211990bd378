import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeAnthropicUpstream, defaultFakeAnthropicKey, type FakeAnthropicUpstream } from '../testing/fake-anthropic-upstream.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { RunningGateway } from './start-gateway.js';

let upstream: FakeAnthropicUpstream;
let gateway: RunningGateway;
let openai: OpenAI;

before(async () => {
  upstream = await startFakeAnthropicUpstream();
  gateway = await startTestGateway({
    providers: { anthropic: { type: 'anthropic', api_key: defaultFakeAnthropicKey, base_url: upstream.url, default_max_tokens: 256 } },
  });
  openai = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

test('OpenAI SDK → Anthropic: system moved out, max_tokens defaulted, answer translated', async () => {
  const { data, response } = await openai.chat.completions
    .create({
      model: 'anthropic/claude-3-5-haiku-latest',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello claude' },
      ],
    })
    .withResponse();
  assert.equal(data.choices[0].message.content, 'Echo: hello claude');
  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.ok(data.usage!.prompt_tokens > 0 && data.usage!.completion_tokens > 0);
  assert.equal(response.headers.get('x-sluice-provider'), 'anthropic');
  const sent = upstream.requests.at(-1)!.body as { system: unknown; max_tokens: number; model: string; messages: Array<{ role: string }> };
  assert.equal(sent.model, 'claude-3-5-haiku-latest');
  assert.equal(sent.max_tokens, 256);
  assert.ok(JSON.stringify(sent.system).includes('Be brief.'));
  assert.deepEqual(sent.messages.map((message) => message.role), ['user']);
});

test('OpenAI SDK → Anthropic streaming, with the usage chunk when asked', async () => {
  const stream = await openai.chat.completions.create({
    model: 'anthropic/claude-3-5-haiku-latest',
    messages: [{ role: 'user', content: 'stream these words please' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta.content ?? '';
    finish = chunk.choices[0]?.finish_reason ?? finish;
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, 'Echo: stream these words please');
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.completion_tokens > 0);
});

test('OpenAI SDK → Anthropic tool call, streamed, arguments assembled', async () => {
  const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
  const stream = openai.chat.completions.stream({
    model: 'anthropic/claude-3-5-haiku-latest',
    messages: [{ role: 'user', content: 'weather in Paris?' }],
    tools,
    tool_choice: 'required',
  });
  const final = await stream.finalChatCompletion();
  const call = final.choices[0].message.tool_calls![0];
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  assert.equal(call.type === 'function' && call.function.name, 'get_weather');
  assert.equal(typeof JSON.parse(call.type === 'function' ? call.function.arguments : '').city, 'string');
  assert.deepEqual((upstream.requests.at(-1)!.body as { tool_choice: unknown }).tool_choice, { type: 'any' });
});

test('an unsupported parameter is reported in x-sluice-warnings, not dropped silently', async () => {
  const { response } = await openai.chat.completions
    .create({ model: 'anthropic/claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }], logprobs: true })
    .withResponse();
  assert.match(response.headers.get('x-sluice-warnings') ?? '', /logprobs/);
});

test('Anthropic errors pass through with their status and message', async () => {
  upstream.failNext(429, { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } });
  await assert.rejects(
    openai.chat.completions.create({ model: 'anthropic/claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }] }),
    (error: unknown) => error instanceof OpenAI.RateLimitError && /per-minute rate limit/.test(error.message),
  );
});

test('Anthropic SDK against /native/anthropic: plain, streamed, errors in Anthropic shape', async () => {
  const client = new Anthropic({ apiKey: 'client-key-replaced-by-gateway', baseURL: `${gateway.url}/native/anthropic`, maxRetries: 0 });
  const message = await client.messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'native hello' }] });
  assert.equal(message.content[0].type === 'text' && message.content[0].text, 'Echo: native hello');
  const forwarded = upstream.requests.at(-1)!;
  assert.equal(forwarded.headers['x-api-key'], defaultFakeAnthropicKey);
  assert.equal(forwarded.headers.authorization, undefined, 'the client credential is not forwarded');

  const stream = client.messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: 'native stream' }] });
  const final = await stream.finalMessage();
  assert.equal(final.content[0].type === 'text' && final.content[0].text, 'Echo: native stream');
  assert.ok(final.usage.output_tokens > 0);

  await assert.rejects(
    client.messages.create({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'no max_tokens' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming),
    (error: unknown) => error instanceof Anthropic.BadRequestError && /max_tokens/.test(error.message),
  );
  const unknown = new Anthropic({ apiKey: 'x', baseURL: `${gateway.url}/native/nosuch`, maxRetries: 0 });
  await assert.rejects(unknown.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }), (error: unknown) => {
    return error instanceof Anthropic.NotFoundError && /Unknown provider/.test(error.message);
  });
});
