import { Cancellation } from '../../http/cancellation.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  InvalidRequestError,
  ProviderResponseError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../errors/gateway-errors.js';
import { closeUpstreamPools } from '../../http/upstream-client.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import type { ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import { decodeEmbeddingBase64, type EmbeddingsRequest } from '../../schema/embeddings.js';
import { readJsonFixture } from '../../testing/read-fixture.js';
import { startFakeGeminiUpstream, type FakeGeminiUpstream } from '../../testing/fake-gemini-upstream.js';
import type { ProviderCall } from '../provider.js';
import { createGeminiProvider, modelResource } from './gemini-provider.js';
import { thoughtSignatureFromToolCallId } from './thought-signature.js';

let fake: FakeGeminiUpstream;
before(async () => {
  fake = await startFakeGeminiUpstream();
});
after(async () => {
  await closeUpstreamPools();
  await fake.close();
});

const provider = () => createGeminiProvider('gemini', { type: 'gemini', api_key: 'test-gemini-key', base_url: fake.url, headers: { 'x-team': 'blue' } });

function makeCall(overrides: Partial<ProviderCall> = {}): ProviderCall & { warnings: string[] } {
  const warnings: string[] = [];
  return { signal: new Cancellation(), timeoutMs: 5000, idleTimeoutMs: 5000, warn: (message) => warnings.push(message), warnings, ...overrides };
}
const chat = (input: Record<string, unknown>) => chatCompletionRequestSchema.parse({ model: 'gemini-2.5-flash', ...input }) as ChatCompletionRequest;

async function collect(iterable: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}
const textOf = (chunks: ChatCompletionChunk[]) => chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? '')).join('');

test('complete(): POSTs generateContent with the key header and config headers, returns the answer', async () => {
  const call = makeCall();
  const completion = await provider().complete(chat({ messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Good morning to you' }], temperature: 0.5 }), call);
  assert.equal(completion.choices[0].message.content, 'Good morning to you');
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.model, 'gemini-2.5-flash');
  // Prompt: 2 system words + 4 user words; answer: 4 words.
  assert.deepEqual([completion.usage?.prompt_tokens, completion.usage?.completion_tokens, completion.usage?.total_tokens], [6, 4, 10]);
  const sent = fake.requests.at(-1)!;
  assert.equal(sent.path, '/v1beta/models/gemini-2.5-flash:generateContent');
  assert.equal(sent.headers['x-goog-api-key'], 'test-gemini-key');
  assert.equal(sent.headers['x-team'], 'blue');
  assert.deepEqual(sent.body, {
    contents: [{ role: 'user', parts: [{ text: 'Good morning to you' }] }],
    systemInstruction: { parts: [{ text: 'Be kind.' }] },
    generationConfig: { temperature: 0.5 },
  });
  assert.deepEqual(call.warnings, []);
});

test('model names may be bare or models/-prefixed; anything that could leave the path is refused', async () => {
  await provider().complete(chat({ model: 'models/gemini-2.0-flash', messages: [{ role: 'user', content: 'x' }] }), makeCall());
  assert.equal(fake.requests.at(-1)?.path, '/v1beta/models/gemini-2.0-flash:generateContent');
  assert.equal(modelResource('tunedModels/my-model-1'), 'tunedModels/my-model-1');
  for (const bad of ['../files/x', 'models/../../v1/x', 'gemini?alt=json', 'a/b']) {
    assert.throws(() => modelResource(bad), InvalidRequestError, bad);
  }
});

test('stream(): text assembled from the deltas, finish stop, usage chunk last', async () => {
  const prompt = 'The quick brown fox jumps over the lazy dog';
  const chunks = await collect(await provider().stream(chat({ messages: [{ role: 'user', content: prompt }] }), makeCall()));
  assert.equal(fake.requests.at(-1)?.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  assert.equal(textOf(chunks), prompt);
  assert.ok(chunks.filter((chunk) => chunk.choices.some((choice) => choice.delta.content)).length > 1, 'the text arrives in several deltas');
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  assert.deepEqual(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean), ['stop']);
  const last = chunks.at(-1)!;
  assert.deepEqual(last.choices, []);
  assert.deepEqual([last.usage?.prompt_tokens, last.usage?.completion_tokens], [9, 9]);
});

test('stream(): LF-only event separators parse the same', async () => {
  fake.configure({ eventSeparator: '\n\n' });
  try {
    const chunks = await collect(await provider().stream(chat({ messages: [{ role: 'user', content: 'alpha beta gamma' }] }), makeCall()));
    assert.equal(textOf(chunks), 'alpha beta gamma');
  } finally {
    fake.configure({ eventSeparator: undefined });
  }
});

test('tool call round trip on Gemini 3: the replayed call keeps its signature (the fake rejects it otherwise)', async () => {
  const tools = [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }];
  const question = { role: 'user', content: 'What is the weather in Lima?' };
  const first = await provider().complete(chat({ model: 'gemini-3-pro-preview', messages: [question], tools }), makeCall());
  const message = first.choices[0].message;
  assert.equal(first.choices[0].finish_reason, 'tool_calls');
  const [call] = message.tool_calls!;
  assert.equal(call.function.name, 'weather');
  assert.deepEqual(JSON.parse(call.function.arguments), { location: 'What is the weather in Lima?' });
  assert.ok(thoughtSignatureFromToolCallId(call.id));

  const second = await provider().complete(
    chat({
      model: 'gemini-3-pro-preview',
      messages: [question, { role: 'assistant', content: message.content, tool_calls: message.tool_calls }, { role: 'tool', tool_call_id: call.id, content: '{"celsius":19}' }],
      tools,
    }),
    makeCall(),
  );
  assert.equal(second.choices[0].message.content, 'Result: [{"result":{"celsius":19}}]');
  const sentBody = fake.requests.at(-1)?.body as { contents: Array<{ parts: Array<Record<string, unknown>> }> };
  assert.equal(sentBody.contents[1].parts[0].thoughtSignature, thoughtSignatureFromToolCallId(call.id));
});

test('stream(): a forced tool call arrives as one complete tool_calls delta', async () => {
  const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { id: { type: 'integer' } } } } }];
  const chunks = await collect(
    await provider().stream(chat({ messages: [{ role: 'user', content: 'go' }], tools, tool_choice: { type: 'function', function: { name: 'lookup' } } }), makeCall()),
  );
  const sent = fake.requests.at(-1)?.body as Record<string, unknown>;
  assert.deepEqual(sent.toolConfig, { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['lookup'] } });
  const calls = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
  assert.deepEqual(calls.map((item) => [item.index, item.function?.name, item.function?.arguments]), [[0, 'lookup', '{"id":42}']]);
  assert.deepEqual(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean), ['tool_calls']);
});

test('embed(): float vectors in input order, dimensions → outputDimensionality, zero usage', async () => {
  const request: EmbeddingsRequest = { model: 'text-embedding-004', input: ['first text', 'second text'], dimensions: 6 };
  const response = await provider().embed(request, makeCall());
  assert.equal(fake.requests.at(-1)?.path, '/v1beta/models/text-embedding-004:batchEmbedContents');
  assert.deepEqual(fake.requests.at(-1)?.body, {
    requests: [
      { model: 'models/text-embedding-004', content: { parts: [{ text: 'first text' }] }, outputDimensionality: 6 },
      { model: 'models/text-embedding-004', content: { parts: [{ text: 'second text' }] }, outputDimensionality: 6 },
    ],
  });
  assert.equal(response.object, 'list');
  assert.equal(response.model, 'text-embedding-004');
  assert.deepEqual(response.data.map((item) => [item.index, (item.embedding as number[]).length]), [[0, 6], [1, 6]]);
  assert.deepEqual(response.usage, { prompt_tokens: 0, total_tokens: 0 });
});

test('embed(): base64 decodes to the same floats; more than 100 inputs go in several batches', async () => {
  const input = Array.from({ length: 150 }, (_unused, index) => `text number ${index}`);
  const floats = await provider().embed({ model: 'text-embedding-004', input }, makeCall());
  const before = fake.requests.length;
  const encoded = await provider().embed({ model: 'text-embedding-004', input, encoding_format: 'base64' }, makeCall());
  assert.equal(fake.requests.length - before, 2);
  assert.deepEqual(fake.requests.slice(-2).map((item) => (item.body as { requests: unknown[] }).requests.length), [100, 50]);
  assert.equal(encoded.data.length, 150);
  for (const [index, item] of encoded.data.entries()) {
    assert.equal(typeof item.embedding, 'string');
    assert.deepEqual(decodeEmbeddingBase64(item.embedding as string), floats.data[index].embedding);
  }
  assert.notDeepEqual(floats.data[0].embedding, floats.data[149].embedding);
});

test('embed(): token-id input is refused (Gemini embeds text only)', async () => {
  const before = fake.requests.length;
  await assert.rejects(provider().embed({ model: 'text-embedding-004', input: [[1, 2, 3]] }, makeCall()), InvalidRequestError);
  assert.equal(fake.requests.length, before);
});

test('a 400 is passed through with Google’s message', async () => {
  const wrongKey = createGeminiProvider('gemini', { type: 'gemini', api_key: 'wrong', base_url: fake.url });
  await assert.rejects(wrongKey.complete(chat({ messages: [{ role: 'user', content: 'x' }] }), makeCall()), (error: unknown) => {
    assert.ok(error instanceof ProviderResponseError);
    assert.equal(error.status, 400);
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.message, 'gemini: API key not valid. Please pass a valid API key.');
    return true;
  });
});

test('a 429 carries retry-after from Google’s RetryInfo; a 500 becomes 502', async () => {
  fake.configure({ failNext: { status: 429, body: readJsonFixture('gemini/google-429-retry-info.json') } });
  await assert.rejects(provider().complete(chat({ messages: [{ role: 'user', content: 'x' }] }), makeCall()), (error: unknown) => {
    assert.ok(error instanceof ProviderResponseError);
    assert.equal(error.status, 429);
    assert.equal(error.headers['retry-after'], '35');
    assert.equal(error.message, 'gemini: You exceeded your current quota, please check your plan.');
    return true;
  });
  fake.configure({ failNext: { status: 500 } });
  await assert.rejects(provider().stream(chat({ messages: [{ role: 'user', content: 'x' }] }), makeCall()), (error: unknown) => {
    return error instanceof ProviderResponseError && error.status === 502 && error.upstreamStatus === 500;
  });
});

test('an unreachable upstream is a 502', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const unreachable = createGeminiProvider('gemini', { type: 'gemini', api_key: 'k', base_url: `http://127.0.0.1:${port}` });
  await assert.rejects(unreachable.complete(chat({ messages: [{ role: 'user', content: 'x' }] }), makeCall()), (error: unknown) => {
    return error instanceof UpstreamUnavailableError && error.status === 502;
  });
});

test('a slow upstream (no headers within timeoutMs) is a 504', async () => {
  fake.configure({ headerDelayMs: 1500 });
  try {
    const started = Date.now();
    await assert.rejects(provider().complete(chat({ messages: [{ role: 'user', content: 'x' }] }), makeCall({ timeoutMs: 100 })), (error: unknown) => {
      return error instanceof UpstreamTimeoutError && error.status === 504;
    });
    assert.ok(Date.now() - started < 1400, 'the timeout fired before the upstream answered');
  } finally {
    fake.configure({ headerDelayMs: undefined });
  }
});

test('a mid-stream error event makes the iterator throw, after the chunks before it', async () => {
  fake.configure({ midStreamError: { afterEvents: 1 } });
  try {
    const stream = await provider().stream(chat({ messages: [{ role: 'user', content: 'one two three four five six' }] }), makeCall());
    const seen: ChatCompletionChunk[] = [];
    await assert.rejects(
      async () => {
        for await (const chunk of stream) seen.push(chunk);
      },
      (error: unknown) => error instanceof ProviderResponseError && error.upstreamStatus === 503 && /overloaded/.test(error.message),
    );
    assert.equal(textOf(seen), 'one two');
  } finally {
    fake.configure({ midStreamError: undefined });
  }
});

test('a connection dropped mid-stream makes the iterator throw a gateway error', async () => {
  fake.configure({ dropConnectionAfterEvents: 1 });
  try {
    const stream = await provider().stream(chat({ messages: [{ role: 'user', content: 'one two three four five six' }] }), makeCall());
    await assert.rejects(collect(stream), (error: unknown) => error instanceof UpstreamUnavailableError && error.status === 502);
  } finally {
    fake.configure({ dropConnectionAfterEvents: undefined });
  }
});

test('warnings reach call.warn; nativeTarget gives the base URL and the key header', async () => {
  const call = makeCall();
  await provider().complete(chat({ messages: [{ role: 'user', content: 'x' }], logit_bias: { '1': 2 } }), call);
  assert.deepEqual(call.warnings, ['parameter "logit_bias" is not supported by Gemini and was ignored']);
  assert.deepEqual(provider().nativeTarget(), { baseUrl: fake.url, headers: { 'x-team': 'blue', 'x-goog-api-key': 'test-gemini-key' } });
  const defaults = createGeminiProvider('g', { type: 'gemini', api_key: 'k' });
  assert.deepEqual(defaults.nativeTarget(), { baseUrl: 'https://generativelanguage.googleapis.com', headers: { 'x-goog-api-key': 'k' } });
  assert.deepEqual(defaults.capabilities, { chat: true, stream: true, embeddings: true });
  assert.equal(defaults.type, 'gemini');
});
