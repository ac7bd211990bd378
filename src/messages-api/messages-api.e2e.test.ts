import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import { startFakeAnthropicUpstream, defaultFakeAnthropicKey, type FakeAnthropicUpstream } from '../testing/fake-anthropic-upstream.js';
import { startFakeGeminiUpstream, type FakeGeminiUpstream } from '../testing/fake-gemini-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { RunningGateway } from '../server/start-gateway.js';

let openaiUpstream: FakeUpstreamControls;
let anthropicUpstream: FakeAnthropicUpstream;
let geminiUpstream: FakeGeminiUpstream;
let gateway: RunningGateway;
let client: Anthropic;

const weatherTool = {
  name: 'get_weather',
  description: 'Weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

before(async () => {
  openaiUpstream = await startFakeOpenAIUpstream();
  anthropicUpstream = await startFakeAnthropicUpstream();
  geminiUpstream = await startFakeGeminiUpstream();
  gateway = await startTestGateway({
    providers: {
      openai: { type: 'openai', api_key: 'sk-upstream', base_url: `${openaiUpstream.url}/v1` },
      anthropic: { type: 'anthropic', api_key: defaultFakeAnthropicKey, base_url: anthropicUpstream.url },
      gemini: { type: 'gemini', api_key: 'test-gemini-key', base_url: geminiUpstream.url },
    },
    routes: { brief: { targets: [{ model: 'openai/gpt-4o-mini' }] } },
  });
  client = new Anthropic({ apiKey: 'unused', baseURL: gateway.url, maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close(), geminiUpstream.close()]);
});

function lastOpenAIBody(): Record<string, any> {
  return openaiUpstream.requests.at(-1)!.body as Record<string, any>;
}

test('Anthropic SDK → OpenAI model: system, max_tokens and stop sequences mapped, answer as an Anthropic Message', async () => {
  const { data, response } = await client.messages
    .create({ model: 'openai/gpt-4o-mini', max_tokens: 100, system: 'Be brief.', stop_sequences: ['###'], messages: [{ role: 'user', content: 'hello there' }] })
    .withResponse();
  assert.equal(data.type, 'message');
  assert.equal(data.role, 'assistant');
  assert.match(data.id, /^msg_/);
  assert.deepEqual(data.content, [{ type: 'text', text: 'echo: hello there' }]);
  assert.equal(data.stop_reason, 'end_turn');
  assert.ok(data.usage.input_tokens > 0 && data.usage.output_tokens > 0);
  assert.equal(response.headers.get('x-sluice-provider'), 'openai');
  const sent = lastOpenAIBody();
  assert.deepEqual(sent.messages, [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'hello there' },
  ]);
  assert.equal(sent.max_tokens, 100);
  assert.deepEqual(sent.stop, ['###']);
});

test('Anthropic-only parameters never reach an OpenAI upstream: reported as a warning instead', async () => {
  const { response } = await client.messages
    .create({ model: 'openai/gpt-4o-mini', max_tokens: 50, service_tier: 'auto', messages: [{ role: 'user', content: 'hi' }] })
    .withResponse();
  assert.equal(lastOpenAIBody().anthropic, undefined);
  assert.equal(lastOpenAIBody().service_tier, undefined);
  assert.match(response.headers.get('x-sluice-warnings') ?? '', /anthropic/);
});

test('streaming to an OpenAI model: the SDK assembles text, stop reason and final usage from the events', async () => {
  const stream = client.messages.stream({ model: 'brief', max_tokens: 100, messages: [{ role: 'user', content: 'stream me some words' }] });
  const types: string[] = [];
  stream.on('streamEvent', (event) => types.push(event.type));
  const message = await stream.finalMessage();
  assert.deepEqual(message.content, [{ type: 'text', text: 'echo: stream me some words' }]);
  assert.equal(message.stop_reason, 'end_turn');
  assert.ok(message.usage.input_tokens > 0, 'input tokens come with message_delta');
  assert.ok(message.usage.output_tokens > 0);
  assert.equal(types[0], 'message_start');
  assert.equal(types.at(-1), 'message_stop');
  assert.equal(types.at(-2), 'message_delta');
  assert.ok(types.filter((type) => type === 'content_block_delta').length > 1, 'text arrives in several deltas');
  // The upstream was asked for usage although the Anthropic client cannot ask for it.
  assert.equal(lastOpenAIBody().stream_options?.include_usage, true);
});

test('tool use round trip: tool_use out (JSON and streamed), tool_result back in as a tool message', async () => {
  const first = await client.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 100, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Paris?' }] });
  assert.equal(first.stop_reason, 'tool_use');
  const toolUse = first.content.find((block) => block.type === 'tool_use');
  assert.ok(toolUse && toolUse.type === 'tool_use');
  assert.equal(toolUse.name, 'get_weather');
  assert.deepEqual(toolUse.input, { city: 'Paris' });
  assert.deepEqual(lastOpenAIBody().tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather of a city', parameters: weatherTool.input_schema } }]);

  const streamed = await client.messages.stream({ model: 'openai/gpt-4o-mini', max_tokens: 100, tools: [weatherTool], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'weather?' }] }).finalMessage();
  assert.equal(streamed.stop_reason, 'tool_use');
  const streamedTool = streamed.content.find((block) => block.type === 'tool_use');
  assert.ok(streamedTool && streamedTool.type === 'tool_use');
  assert.deepEqual(streamedTool.input, { city: 'Paris' }, 'input_json_delta pieces assemble into the input');
  assert.equal(lastOpenAIBody().tool_choice, 'required');

  await client.messages.create({
    model: 'openai/gpt-4o-mini',
    max_tokens: 100,
    tools: [weatherTool],
    messages: [
      { role: 'user', content: 'weather in Paris?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'sunny, 21°C' }, { type: 'text', text: 'thanks, and now?' }] },
    ],
  });
  const sent = lastOpenAIBody().messages as Array<Record<string, any>>;
  assert.deepEqual(sent.map((message) => message.role), ['user', 'assistant', 'tool', 'user']);
  assert.equal(sent[1].tool_calls[0].id, toolUse.id);
  assert.deepEqual(JSON.parse(sent[1].tool_calls[0].function.arguments), { city: 'Paris' });
  assert.deepEqual(sent[2], { role: 'tool', tool_call_id: toolUse.id, content: 'sunny, 21°C' });
});

test('to an Anthropic model: Anthropic-only parameters arrive, and the stop sequence comes back', async () => {
  const message = await client.messages.create({
    model: 'anthropic/claude-3-5-haiku-latest',
    max_tokens: 100,
    service_tier: 'standard_only',
    stop_sequences: ['three'],
    messages: [{ role: 'user', content: 'one two three four' }],
  });
  const sent = anthropicUpstream.requests.at(-1)!.body as Record<string, any>;
  assert.equal(sent.service_tier, 'standard_only');
  assert.deepEqual(sent.stop_sequences, ['three']);
  assert.equal(message.stop_reason, 'stop_sequence');
  assert.equal(message.stop_sequence, 'three');
});

test('to a Gemini model, streamed', async () => {
  const message = await client.messages.stream({ model: 'gemini/gemini-2.5-flash', max_tokens: 100, messages: [{ role: 'user', content: 'hello gemini' }] }).finalMessage();
  const text = message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');
  assert.ok(text.length > 0);
  assert.equal(message.stop_reason, 'end_turn');
  assert.ok(message.usage.output_tokens > 0);
});

test('errors come in Anthropic\'s shape', async () => {
  await assert.rejects(
    client.messages.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] } as unknown as Anthropic.MessageCreateParamsNonStreaming),
    (error: unknown) => {
      assert.ok(error instanceof Anthropic.BadRequestError);
      assert.equal((error.error as { type: string }).type, 'error');
      assert.equal((error.error as { error: { type: string } }).error.type, 'invalid_request_error');
      assert.match(error.message, /max_tokens/);
      return true;
    },
  );
  await assert.rejects(
    client.messages.create({ model: 'nowhere/model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    (error: unknown) => error instanceof Anthropic.NotFoundError && (error.error as { error: { type: string } }).error.type === 'not_found_error',
  );
  const wrongMethod = await fetch(`${gateway.url}/v1/messages`);
  assert.equal(wrongMethod.status, 405);
  assert.equal(((await wrongMethod.json()) as { type: string }).type, 'error');
});

test('an upstream failure after the stream started ends it with an Anthropic error event', async () => {
  const failing = await startFakeOpenAIUpstream({ streamErrorAfter: 2 });
  const failingGateway = await startTestGateway({ providers: { openai: { type: 'openai', base_url: `${failing.url}/v1` } } });
  try {
    const failingClient = new Anthropic({ apiKey: 'unused', baseURL: failingGateway.url, maxRetries: 0 });
    const stream = failingClient.messages.stream({ model: 'openai/gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'a b c d e f' }] });
    await assert.rejects(stream.finalMessage(), (error: unknown) => error instanceof Anthropic.APIError);
  } finally {
    await failingGateway.close();
    await failing.close();
  }
});

test('count_tokens: an o200k estimate of the prompt, marked as an estimate; no upstream call', async () => {
  const before = openaiUpstream.requests.length;
  const short = await client.messages.countTokens({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
  const long = await client.messages.countTokens({ model: 'openai/gpt-4o-mini', system: 'You are a careful assistant. '.repeat(20), tools: [weatherTool], messages: [{ role: 'user', content: 'hi' }] });
  assert.ok(short.input_tokens > 0);
  assert.ok(long.input_tokens > short.input_tokens + 100, `${long.input_tokens} vs ${short.input_tokens}`);
  assert.equal(openaiUpstream.requests.length, before);
  const raw = await fetch(`${gateway.url}/v1/messages/count_tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [] }) });
  assert.equal(raw.status, 400);
  assert.equal(((await raw.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
});
