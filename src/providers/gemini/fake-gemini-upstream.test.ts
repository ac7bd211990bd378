import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleGenAI } from '@google/genai';
import { request } from 'undici';
import { parseServerSentEvents } from '../../http/parse-server-sent-events.js';
import { readJsonFixture } from '../../testing/read-fixture.js';
import { startFakeGeminiUpstream, type FakeGeminiUpstream } from '../../testing/fake-gemini-upstream.js';
import type { GeminiErrorBody, GenerateContentResponse } from './wire-types.js';

/**
 * The fake must behave like Google's API, or the provider tests prove nothing: these tests pin
 * its wire format and validation with raw HTTP requests.
 */
let fake: FakeGeminiUpstream;
before(async () => {
  fake = await startFakeGeminiUpstream();
});
after(() => fake.close());

async function post(path: string, body: unknown, headers: Record<string, string> = { 'x-goog-api-key': 'test-gemini-key' }) {
  const response = await request(`${fake.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}
async function* once(text: string): AsyncGenerator<string> {
  yield text;
}
const hello = { contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }] };

test('a key is required: none → 403 PERMISSION_DENIED, a wrong one → 400 API_KEY_INVALID, ?key= works', async () => {
  const none = await post('/v1beta/models/gemini-2.5-flash:generateContent', hello, {});
  assert.equal(none.status, 403);
  assert.equal((JSON.parse(none.text) as GeminiErrorBody).error.status, 'PERMISSION_DENIED');
  const wrong = await post('/v1beta/models/gemini-2.5-flash:generateContent', hello, { 'x-goog-api-key': 'nope' });
  assert.equal(wrong.status, 400);
  const error = (JSON.parse(wrong.text) as GeminiErrorBody).error;
  assert.deepEqual([error.code, error.status, error.message], [400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.']);
  assert.equal(error.details?.[0].reason, 'API_KEY_INVALID');
  const byQuery = await post('/v1beta/models/gemini-2.5-flash:generateContent?key=test-gemini-key', hello, {});
  assert.equal(byQuery.status, 200);
});

test('generateContent echoes the last user text with usage, as a whole response', async () => {
  const answer = await post('/v1beta/models/gemini-2.5-flash:generateContent', hello);
  assert.equal(answer.status, 200);
  const body = JSON.parse(answer.text) as GenerateContentResponse;
  assert.deepEqual(body.candidates?.[0].content, { parts: [{ text: 'Hello there' }], role: 'model' });
  assert.equal(body.candidates?.[0].finishReason, 'STOP');
  assert.deepEqual([body.usageMetadata?.promptTokenCount, body.usageMetadata?.candidatesTokenCount, body.usageMetadata?.totalTokenCount], [2, 2, 4]);
  assert.equal(body.modelVersion, 'gemini-2.5-flash');
  assert.equal(fake.requests.at(-1)?.path, '/v1beta/models/gemini-2.5-flash:generateContent');
});

test('it rejects what Google rejects, with 400 INVALID_ARGUMENT', async () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ contents: [] }, /contents is not specified/],
    [{ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, /valid role: user, model/],
    [{ contents: [{ role: 'system', parts: [{ text: 'x' }] }] }, /valid role: user, model/],
    [{ contents: [{ role: 'user', parts: [] }] }, /parts must not be empty/],
    [{ contents: [{ role: 'user', parts: [{ functionResponse: { response: { result: 1 } } }] }] }, /function_response\.name: Name cannot be empty/],
    [{ ...hello, generation_config: {} }, /Unknown name "generation_config"/],
    [{ ...hello, generationConfig: { max_output_tokens: 5 } }, /Unknown name "max_output_tokens"/],
  ];
  for (const [body, message] of cases) {
    const answer = await post('/v1beta/models/gemini-2.5-flash:generateContent', body);
    assert.equal(answer.status, 400, JSON.stringify(body));
    const error = (JSON.parse(answer.text) as GeminiErrorBody).error;
    assert.equal(error.status, 'INVALID_ARGUMENT');
    assert.match(error.message, message);
  }
});

test('streamGenerateContent?alt=sse: whole responses, running usage, CRLF blank line after every event', async () => {
  const body = { contents: [{ role: 'user', parts: [{ text: 'one two three four five' }] }] };
  const answer = await post('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', body);
  assert.equal(answer.status, 200);
  assert.match(String(answer.headers['content-type']), /text\/event-stream/);
  assert.ok(answer.text.endsWith('\r\n\r\n'));
  assert.ok(!answer.text.includes('[DONE]'));
  const events: GenerateContentResponse[] = [];
  for await (const event of parseServerSentEvents(once(answer.text))) events.push(JSON.parse(event.data) as GenerateContentResponse);
  assert.equal(events.length, 3);
  assert.equal(events.map((event) => event.candidates?.[0].content?.parts[0].text).join(''), 'one two three four five');
  assert.deepEqual(events.map((event) => event.usageMetadata?.candidatesTokenCount), [2, 4, 5]);
  assert.deepEqual(events.map((event) => event.candidates?.[0].finishReason), [undefined, undefined, 'STOP']);
});

test('tools: a trigger word or mode ANY yields a functionCall; Gemini 3 signatures are checked on replay', async () => {
  const tools = [{ functionDeclarations: [{ name: 'weather', parametersJsonSchema: { type: 'object', properties: { location: { type: 'string' } } } }] }];
  const asked = { contents: [{ role: 'user', parts: [{ text: 'weather in Oslo' }] }], tools };
  const answer = JSON.parse((await post('/v1beta/models/gemini-3-pro-preview:generateContent', asked)).text) as GenerateContentResponse;
  const part = answer.candidates?.[0].content?.parts[0];
  assert.deepEqual(part?.functionCall, { name: 'weather', args: { location: 'weather in Oslo' } });
  assert.match(String(part?.thoughtSignature), /^\+\/\/\+/);

  const history = (signature: unknown) => ({
    contents: [
      ...asked.contents,
      { role: 'model', parts: [{ functionCall: part?.functionCall, ...(signature ? { thoughtSignature: signature } : {}) }] },
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { result: 'sunny' } } }] },
    ],
    tools,
  });
  const missing = await post('/v1beta/models/gemini-3-pro-preview:generateContent', history(undefined));
  assert.equal(missing.status, 400);
  assert.match(missing.text, /thought_signature/);
  const forged = await post('/v1beta/models/gemini-3-pro-preview:generateContent', history('AAAA'));
  assert.equal(forged.status, 400);
  const kept = await post('/v1beta/models/gemini-3-pro-preview:generateContent', history(part?.thoughtSignature));
  assert.equal(kept.status, 200);
  assert.equal((JSON.parse(kept.text) as GenerateContentResponse).candidates?.[0].content?.parts[0].text, 'Result: [{"result":"sunny"}]');

  const forced = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools, toolConfig: { functionCallingConfig: { mode: 'ANY' } } };
  const forcedAnswer = JSON.parse((await post('/v1beta/models/gemini-2.5-flash:generateContent', forced)).text) as GenerateContentResponse;
  assert.equal(forcedAnswer.candidates?.[0].content?.parts[0].functionCall?.name, 'weather');
  const none = { ...asked, toolConfig: { functionCallingConfig: { mode: 'NONE' } } };
  const noneAnswer = JSON.parse((await post('/v1beta/models/gemini-2.5-flash:generateContent', none)).text) as GenerateContentResponse;
  assert.equal(noneAnswer.candidates?.[0].content?.parts[0].text, 'weather in Oslo');
});

test('batchEmbedContents: one vector per request, at most 100 per batch (Google’s recorded message)', async () => {
  const entry = (text: string) => ({ model: 'models/text-embedding-004', content: { parts: [{ text }] }, outputDimensionality: 4 });
  const answer = await post('/v1beta/models/text-embedding-004:batchEmbedContents', { requests: [entry('a'), entry('b')] });
  const body = JSON.parse(answer.text) as { embeddings: Array<{ values: number[] }> };
  assert.equal(body.embeddings.length, 2);
  assert.deepEqual(body.embeddings.map((embedding) => embedding.values.length), [4, 4]);
  assert.notDeepEqual(body.embeddings[0].values, body.embeddings[1].values);

  const tooMany = await post('/v1beta/models/text-embedding-004:batchEmbedContents', { requests: Array.from({ length: 101 }, () => entry('x')) });
  assert.equal(tooMany.status, 400);
  assert.deepEqual(JSON.parse(tooMany.text), readJsonFixture('gemini/google-embedding-batch-limit-error.json'));
});

test('failure injection answers the next N requests with the given status and body', async () => {
  const recorded = readJsonFixture('gemini/google-429-retry-info.json');
  fake.configure({ failNext: { status: 429, body: recorded, count: 2 } });
  const first = await post('/v1beta/models/gemini-2.5-flash:generateContent', hello);
  const second = await post('/v1beta/models/gemini-2.5-flash:generateContent', hello);
  const third = await post('/v1beta/models/gemini-2.5-flash:generateContent', hello);
  assert.deepEqual([first.status, second.status, third.status], [429, 429, 200]);
  assert.deepEqual(JSON.parse(first.text), recorded);
});

test('unknown models answer 404 NOT_FOUND when a model list is set', async () => {
  fake.configure({ models: ['gemini-2.5-flash'] });
  try {
    const answer = await post('/v1beta/models/custom-gemini-2.0-flash:generateContent', hello);
    assert.equal(answer.status, 404);
    assert.match(answer.text, /models\/custom-gemini-2.0-flash is not found for API version v1beta/);
  } finally {
    fake.configure({ models: undefined });
  }
});

test('Google’s own SDK (@google/genai) accepts the fake’s stream, function calls, embeddings and errors', async () => {
  const ai = new GoogleGenAI({ apiKey: 'test-gemini-key', httpOptions: { baseUrl: fake.url } });
  let text = '';
  // The SDK throws on a stream whose last event is not followed by a blank line.
  for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'hello from the sdk today' })) text += chunk.text ?? '';
  assert.equal(text, 'hello from the sdk today');
  const called = await ai.models.generateContent({
    model: 'gemini-3-pro-preview',
    contents: 'weather in Oslo',
    config: { tools: [{ functionDeclarations: [{ name: 'weather', parametersJsonSchema: { type: 'object', properties: { location: { type: 'string' } } } }] }] },
  });
  assert.deepEqual(called.functionCalls, [{ name: 'weather', args: { location: 'weather in Oslo' } }]);
  const embedded = await ai.models.embedContent({ model: 'text-embedding-004', contents: ['a', 'b'], config: { outputDimensionality: 3 } });
  assert.deepEqual(embedded.embeddings?.map((embedding) => embedding.values?.length), [3, 3]);
  const wrongKey = new GoogleGenAI({ apiKey: 'bad', httpOptions: { baseUrl: fake.url } });
  await assert.rejects(wrongKey.models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' }), /API key not valid/);
});
