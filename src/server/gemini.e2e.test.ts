import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { GoogleGenAI } from '@google/genai';
import { startFakeGeminiUpstream, type FakeGeminiUpstream } from '../testing/fake-gemini-upstream.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { RunningGateway } from './start-gateway.js';

let upstream: FakeGeminiUpstream;
let gateway: RunningGateway;
let openai: OpenAI;

before(async () => {
  upstream = await startFakeGeminiUpstream({ apiKey: 'gemini-secret' });
  gateway = await startTestGateway({ providers: { gemini: { type: 'gemini', api_key: 'gemini-secret', base_url: upstream.url } } });
  openai = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

test('OpenAI SDK → Gemini: roles mapped, system instruction, answer and usage translated', async () => {
  const completion = await openai.chat.completions.create({
    model: 'gemini/gemini-2.5-flash',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'hello gemini' },
    ],
    max_tokens: 50,
  });
  assert.match(completion.choices[0].message.content ?? '', /hello gemini/);
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.ok(completion.usage!.total_tokens > 0);
  const sent = upstream.requests.at(-1)!;
  assert.match(sent.path, /^\/v1beta\/models\/gemini-2\.5-flash:generateContent/);
  assert.equal(sent.headers['x-goog-api-key'], 'gemini-secret');
  const body = sent.body as { contents: Array<{ role: string }>; systemInstruction: unknown; generationConfig: { maxOutputTokens: number } };
  assert.deepEqual(body.contents.map((content) => content.role), ['user', 'model', 'user']);
  assert.ok(JSON.stringify(body.systemInstruction).includes('Be brief.'));
  assert.equal(body.generationConfig.maxOutputTokens, 50);
});

test('OpenAI SDK → Gemini streaming and a function call with a minted id', async () => {
  const stream = await openai.chat.completions.create({
    model: 'gemini/gemini-2.5-flash',
    messages: [{ role: 'user', content: 'stream to me' }],
    stream: true,
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  assert.match(text, /stream to me/);

  const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const final = await openai.chat.completions
    .stream({ model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'what is the weather?' }], tools })
    .finalChatCompletion();
  const call = final.choices[0].message.tool_calls![0];
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  assert.match(call.id, /^call_/);
  assert.equal(call.type === 'function' && call.function.name, 'get_weather');
});

test('Gemini embeddings through the OpenAI SDK (base64 by default)', async () => {
  const result = await openai.embeddings.create({ model: 'gemini/gemini-embedding-001', input: ['one', 'two'] });
  assert.equal(result.data.length, 2);
  assert.ok(result.data[0].embedding.length > 0);
  assert.notDeepEqual(result.data[0].embedding, result.data[1].embedding);
  assert.match(upstream.requests.at(-1)!.path, /:batchEmbedContents$/);
});

test('Google SDK against /native/gemini: the gateway injects the key', async () => {
  const ai = new GoogleGenAI({ apiKey: 'client-key-replaced', httpOptions: { baseUrl: `${gateway.url}/native/gemini` } });
  const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'native hi' });
  assert.match(response.text ?? '', /native hi/);
  const forwarded = upstream.requests.at(-1)!;
  assert.equal(forwarded.headers['x-goog-api-key'], 'gemini-secret');
  let streamed = '';
  for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'native stream' })) streamed += chunk.text ?? '';
  assert.match(streamed, /native stream/);
});
