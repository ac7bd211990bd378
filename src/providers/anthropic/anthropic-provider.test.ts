import { Cancellation } from '../../http/cancellation.js';
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { ProviderConfig } from '../../config/config-schema.js';
import { InvalidRequestError, ProviderResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from '../../errors/gateway-errors.js';
import { closeUpstreamPools } from '../../http/upstream-client.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import type { ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import { startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../../testing/fake-anthropic-upstream.js';
import type { ProviderCall } from '../provider.js';
import { createAnthropicProvider } from './anthropic-provider.js';

let fake: FakeAnthropicUpstream;
const key = 'sk-ant-test-123';

before(async () => {
  fake = await startFakeAnthropicUpstream({ apiKey: key });
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.options.failures = [];
  fake.options.headersDelayMs = 0;
  fake.options.eventDelayMs = 0;
  fake.options.streamError = undefined;
});
after(async () => {
  await fake.close();
  await closeUpstreamPools();
});

function provider(overrides: Partial<ProviderConfig> = {}) {
  return createAnthropicProvider('claude', { type: 'anthropic', api_key: key, base_url: fake.url, ...overrides });
}

function call(overrides: Partial<ProviderCall> = {}): ProviderCall & { warnings: string[] } {
  const warnings: string[] = [];
  return { signal: new Cancellation(), timeoutMs: 5000, idleTimeoutMs: 5000, warn: (message) => warnings.push(message), warnings, ...overrides };
}

function request(body: Record<string, unknown>): ChatCompletionRequest {
  return chatCompletionRequestSchema.parse({ model: 'claude-sonnet-4-5', ...body });
}

async function drain(stream: AsyncIterable<ChatCompletionChunk>): Promise<{ chunks: ChatCompletionChunk[]; text: string; calls: Map<number, { name: string; arguments: string }> }> {
  const chunks: ChatCompletionChunk[] = [];
  let text = '';
  const calls = new Map<number, { name: string; arguments: string }>();
  for await (const chunk of stream) {
    chunks.push(chunk);
    const delta = chunk.choices[0]?.delta;
    if (typeof delta?.content === 'string') text += delta.content;
    for (const toolCall of delta?.tool_calls ?? []) {
      const entry = calls.get(toolCall.index) ?? { name: '', arguments: '' };
      entry.name += toolCall.function?.name ?? '';
      entry.arguments += toolCall.function?.arguments ?? '';
      calls.set(toolCall.index, entry);
    }
  }
  return { chunks, text, calls };
}

const weatherTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } },
};

test('complete() posts an Anthropic Messages request and converts the answer', async () => {
  const completion = await provider({ headers: { 'anthropic-beta': 'test-beta' } }).complete(
    request({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there friend' }] }),
    call(),
  );
  assert.equal(completion.choices[0].message.content, 'Echo: Hello there friend');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.model, 'claude-sonnet-4-5');
  assert.match(completion.id, /^msg_fake_/);
  assert.deepEqual(completion.usage, { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9, prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 } });

  const [sent] = fake.requests;
  assert.equal(sent.path, '/v1/messages');
  assert.equal(sent.headers['x-api-key'], key);
  assert.equal(sent.headers.authorization, undefined);
  assert.equal(sent.headers['anthropic-version'], '2023-06-01');
  assert.equal(sent.headers['anthropic-beta'], 'test-beta');
  assert.match(String(sent.headers['content-type']), /application\/json/);
  assert.deepEqual(sent.body, { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there friend' }] }], max_tokens: 4096, system: 'Be brief.' });
});

test('config default_max_tokens and anthropic_version are used', async () => {
  const result = await provider({ default_max_tokens: 2, anthropic_version: '2026-10-21' }).complete(
    request({ messages: [{ role: 'user', content: 'one two three four' }], temperature: 0.5 }),
    call(),
  );
  // The fake rejects temperature under 2026-10-21, so success shows it was not sent.
  assert.equal(result.choices[0].message.content, 'Echo: one');
  assert.equal(result.choices[0].finish_reason, 'length');
  assert.equal(fake.requests[0].headers['anthropic-version'], '2026-10-21');
  assert.equal((fake.requests[0].body as { max_tokens: number }).max_tokens, 2);
});

test('stream() yields the same text as complete(), chunk by chunk, ending with usage', async () => {
  const body = request({ messages: [{ role: 'user', content: 'Stream this sentence back to me please' }], stream: true });
  const whole = await provider().complete(body, call());
  const { chunks, text } = await drain(await provider().stream(body, call()));
  assert.equal(text, whole.choices[0].message.content);
  assert.ok(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length > 3, 'text arrives in several deltas');
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const last = chunks[chunks.length - 1];
  assert.deepEqual(last.choices, []);
  assert.deepEqual(last.usage, whole.usage);
  const streamed = fake.requests[1];
  assert.equal((streamed.body as { stream: boolean }).stream, true);
  assert.equal(streamed.headers.accept, 'text/event-stream');
});

test('a forced tool call streams with assembled arguments equal to complete()', async () => {
  const body = request({ messages: [{ role: 'user', content: 'Weather?' }], tools: [weatherTool], tool_choice: 'required' });
  const whole = await provider().complete(body, call());
  const wholeCall = whole.choices[0].message.tool_calls?.[0];
  assert.equal(whole.choices[0].finish_reason, 'tool_calls');
  assert.equal(wholeCall?.function.name, 'get_weather');
  assert.deepEqual(JSON.parse(wholeCall?.function.arguments ?? ''), { city: 'sample-city', days: 42 });

  const { chunks, calls } = await drain(await provider().stream(body, call()));
  assert.deepEqual([...calls.keys()], [0]);
  assert.equal(calls.get(0)?.name, 'get_weather');
  assert.equal(calls.get(0)?.arguments, wholeCall?.function.arguments);
  assert.equal(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason, 'tool_calls');
});

test('two tool calls after text are numbered 0 and 1', async () => {
  const timeTool = { type: 'function', function: { name: 'get_time' } };
  const body = request({ messages: [{ role: 'user', content: 'Use get_weather and get_time' }], tools: [weatherTool, timeTool] });
  const { text, calls } = await drain(await provider().stream(body, call()));
  assert.equal(text, 'Calling get_weather and get_time.');
  assert.deepEqual([...calls.entries()].map(([index, entry]) => [index, entry.name]), [[0, 'get_weather'], [1, 'get_time']]);
  assert.equal(calls.get(1)?.arguments, '{}');
});

test('a tool result round trip is accepted by the upstream', async () => {
  const completion = await provider().complete(
    request({
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_9', content: 'minus four' },
      ],
      tools: [weatherTool],
      tool_choice: 'none',
    }),
    call(),
  );
  assert.equal(completion.choices[0].message.content, 'Echo: minus four');
});

test('response_format json_schema answers JSON text, streamed and not', async () => {
  const schema = { type: 'object', properties: { answer: { type: 'integer' }, unit: { type: 'string' } } };
  const body = request({ messages: [{ role: 'user', content: 'How many?' }], response_format: { type: 'json_schema', json_schema: { name: 'count', schema } } });
  const whole = await provider().complete(body, call());
  assert.deepEqual(JSON.parse(String(whole.choices[0].message.content)), { answer: 42, unit: 'sample-unit' });
  assert.equal(whole.choices[0].finish_reason, 'stop');
  assert.equal(whole.choices[0].message.tool_calls, undefined);
  const { text, calls, chunks } = await drain(await provider().stream(body, call()));
  assert.deepEqual(JSON.parse(text), { answer: 42, unit: 'sample-unit' });
  assert.equal(calls.size, 0);
  assert.equal(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason, 'stop');
});

test('unsupported parameters reach call.warn', async () => {
  const providerCall = call();
  await provider().complete(request({ messages: [{ role: 'user', content: 'Hi' }], seed: 3 }), providerCall);
  assert.equal(providerCall.warnings.length, 1);
  assert.match(providerCall.warnings[0], /^seed /);
});

test('an upstream 400 passes through with the upstream message', async () => {
  const failing = request({
    messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'tool', tool_call_id: 'toolu_missing', content: 'x' }],
  });
  for (const run of [() => provider().complete(failing, call()), () => provider().stream(failing, call())]) {
    await assert.rejects(run, (error: unknown) => {
      assert.ok(error instanceof ProviderResponseError);
      assert.equal(error.status, 400);
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.message, /^claude: messages\.2\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_missing/);
      return true;
    });
  }
});

test('a wrong API key is a 401 authentication error', async () => {
  await assert.rejects(provider({ api_key: 'wrong' }).complete(request({ messages: [{ role: 'user', content: 'Hi' }] }), call()), (error: unknown) => {
    assert.ok(error instanceof ProviderResponseError);
    assert.equal(error.status, 401);
    assert.equal(error.type, 'authentication_error');
    assert.equal(error.message, 'claude: invalid x-api-key');
    return true;
  });
});

test('an overloaded (529) or rate-limited (429) upstream maps to 502 and 429 with retry-after', async () => {
  fake.failNext(529);
  await assert.rejects(provider().complete(request({ messages: [{ role: 'user', content: 'Hi' }] }), call()), (error: unknown) => {
    assert.ok(error instanceof ProviderResponseError);
    assert.equal(error.status, 502);
    assert.equal(error.upstreamStatus, 529);
    return true;
  });
  fake.failNext(429);
  await assert.rejects(provider().stream(request({ messages: [{ role: 'user', content: 'Hi' }] }), call()), (error: unknown) => {
    assert.ok(error instanceof ProviderResponseError);
    assert.equal(error.status, 429);
    assert.equal(error.headers['retry-after'], '1');
    return true;
  });
});

test('an unreachable upstream is a 502', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const closed = provider({ base_url: `http://127.0.0.1:${port}` });
  await assert.rejects(closed.complete(request({ messages: [{ role: 'user', content: 'Hi' }] }), call()), (error: unknown) => {
    assert.ok(error instanceof UpstreamUnavailableError);
    assert.equal(error.status, 502);
    return true;
  });
});

// undici's headers/body timers have a resolution of about one second (lib/util/timers.js), so
// the upstream here is slower than that and the bound on the wait is generous.
test('a slow upstream is a 504 after timeoutMs', async () => {
  fake.options.headersDelayMs = 3000;
  const hi = request({ messages: [{ role: 'user', content: 'Hi' }] });
  for (const run of [() => provider().complete(hi, call({ timeoutMs: 100 })), () => provider().stream(hi, call({ timeoutMs: 100 }))]) {
    const started = Date.now();
    await assert.rejects(run, (error: unknown) => error instanceof UpstreamTimeoutError && error.status === 504);
    assert.ok(Date.now() - started < 2500, 'gave up before the upstream answered');
  }
});

test('an error event mid-stream is thrown by the iterator after the chunks before it', async () => {
  fake.options.streamError = { afterEvents: 5 };
  const stream = await provider().stream(request({ messages: [{ role: 'user', content: 'a b c d e f g h' }] }), call());
  let text = '';
  await assert.rejects(
    async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    },
    (error: unknown) => error instanceof ProviderResponseError && error.upstreamStatus === 529 && error.message === 'claude: Overloaded',
  );
  assert.equal(text, 'Echo: a ', 'message_start, block start, ping and two text deltas arrived first');
});

test('a stream that goes silent longer than idleTimeoutMs fails with a 504', async () => {
  fake.options.eventDelayMs = 3000;
  const stream = await provider().stream(request({ messages: [{ role: 'user', content: 'slow words here' }] }), call({ idleTimeoutMs: 100 }));
  await assert.rejects(drain(stream), (error: unknown) => error instanceof UpstreamTimeoutError && error.status === 504);
});

test('aborting the call ends the stream with the abort reason', async () => {
  fake.options.eventDelayMs = 50;
  const controller = new Cancellation();
  const stream = await provider().stream(request({ messages: [{ role: 'user', content: 'one two three four five six' }] }), call({ signal: controller.signal }));
  const reason = new Error('client went away');
  await assert.rejects(
    async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.role) controller.abort(reason);
    },
    (error: unknown) => error === reason,
  );
});

test('embed() is unsupported and capabilities say so', async () => {
  const anthropic = provider();
  assert.deepEqual(anthropic.capabilities, { chat: true, stream: true, embeddings: false });
  assert.equal(anthropic.type, 'anthropic');
  await assert.rejects(anthropic.embed({ model: 'x', input: 'hi' }, call()), (error: unknown) => error instanceof InvalidRequestError && error.code === 'unsupported_operation');
});

test('nativeTarget() gives the base URL and only the credential header', () => {
  assert.deepEqual(provider({ base_url: `${fake.url}/` }).nativeTarget(), { baseUrl: fake.url, headers: { 'x-api-key': key } });
  assert.deepEqual(createAnthropicProvider('a', { type: 'anthropic', api_key: 'k' }).nativeTarget(), { baseUrl: 'https://api.anthropic.com', headers: { 'x-api-key': 'k' } });
});
