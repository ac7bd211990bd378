import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { ApiError, GoogleGenAI } from '@google/genai';
import { startFakeOpenAIUpstream } from '../../testing/fake-openai-upstream.js';
import { startFakeAnthropicUpstream, defaultFakeAnthropicKey, type FakeAnthropicUpstream } from '../../testing/fake-anthropic-upstream.js';
import { startFakeGeminiUpstream, type FakeGeminiUpstream } from '../../testing/fake-gemini-upstream.js';
import { startTestGateway } from '../../testing/start-test-gateway.js';
import type { FakeUpstreamControls } from '../../testing/fake-upstream-server.js';
import type { RunningGateway } from '../../server/start-gateway.js';

let openaiUpstream: FakeUpstreamControls;
let anthropicUpstream: FakeAnthropicUpstream;
let geminiUpstream: FakeGeminiUpstream;
let gateway: RunningGateway;
const keys: Record<string, string> = {};

const awsKey = 'AKIAQX3L7RZKJ5TWN2PB';
const email = 'ana.lopez@example.com';

before(async () => {
  openaiUpstream = await startFakeOpenAIUpstream();
  anthropicUpstream = await startFakeAnthropicUpstream();
  geminiUpstream = await startFakeGeminiUpstream({ apiKey: 'gemini-secret' });
  gateway = await startTestGateway({
    auth: { required: true },
    providers: {
      openai: { type: 'openai', api_key: 'sk-upstream', base_url: `${openaiUpstream.url}/v1` },
      anthropic: { type: 'anthropic', api_key: defaultFakeAnthropicKey, base_url: anthropicUpstream.url },
      gemini: { type: 'gemini', api_key: 'gemini-secret', base_url: geminiUpstream.url },
    },
    guardrails: {
      'no-secrets': { type: 'secrets', action: 'block', apply_to: ['request'] },
      pii: { type: 'pii', entities: ['email'], action: 'redact', apply_to: ['request'] },
      watch: { type: 'keywords', keywords: ['Project Falcon'], action: 'flag', apply_to: ['request', 'response'] },
      'answer-block': { type: 'secrets', action: 'block', apply_to: ['response'] },
      'answer-redact': { type: 'pii', entities: ['email'], action: 'redact', apply_to: ['response'] },
      lenient: { type: 'secrets', action: 'block', apply_to: ['request'], native_unreadable: 'allow' },
      masked: { type: 'pii', entities: ['email'], action: 'redact', reversible: true },
    },
  });
  const { tenancy } = gateway.gateway;
  const team = await tenancy.createTeam({ name: 'native' });
  for (const name of ['plain', 'no-secrets', 'pii', 'watch', 'answer-block', 'answer-redact', 'lenient', 'masked']) {
    const metadata = name === 'plain' ? undefined : { guardrails: name };
    keys[name] = (await tenancy.createKey({ name, team_id: team.id, ...(metadata && { metadata }) })).secret;
  }
});

after(async () => {
  await gateway.close();
  await Promise.all([openaiUpstream.close(), anthropicUpstream.close(), geminiUpstream.close()]);
});

const openai = (key: string) => new OpenAI({ apiKey: keys[key], baseURL: `${gateway.url}/native/openai`, maxRetries: 0 });
const anthropic = (key: string) => new Anthropic({ apiKey: keys[key], baseURL: `${gateway.url}/native/anthropic`, maxRetries: 0 });
const gemini = (key: string) => new GoogleGenAI({ apiKey: keys[key], httpOptions: { baseUrl: `${gateway.url}/native/gemini` } });

const rejection = (promise: Promise<unknown>) => promise.then(() => assert.fail('expected an error'), (error: unknown) => error);

async function raw(key: string, path: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.url}/native/${path}`, { method: 'POST', headers: { authorization: `Bearer ${keys[key]}`, 'content-type': 'application/json', ...headers }, body });
}

test('block: a secret in a native prompt is refused in each provider\'s own error shape, never echoed, never sent', async () => {
  const sentBefore = [openaiUpstream.requests.length, anthropicUpstream.requests.length, geminiUpstream.requests.length];
  const openaiError = await rejection(openai('no-secrets').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `key ${awsKey}` }] }));
  assert.ok(openaiError instanceof OpenAI.BadRequestError);
  assert.equal(openaiError.code, 'guardrail_blocked');
  assert.match(openaiError.message, /"no-secrets"/);
  assert.doesNotMatch(openaiError.message, new RegExp(awsKey));
  assert.equal(openaiError.headers?.get('x-sluice-guardrails'), 'no-secrets:blocked(aws_access_key=1)');

  const anthropicError = await rejection(anthropic('no-secrets').messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 32, system: `use ${awsKey}`, messages: [{ role: 'user', content: 'hi' }] }));
  assert.ok(anthropicError instanceof Anthropic.BadRequestError);
  const anthropicBody = (anthropicError.error as { error: { type: string; message: string } }).error;
  assert.equal(anthropicBody.type, 'invalid_request_error');
  assert.match(anthropicBody.message, /"no-secrets"/);
  assert.doesNotMatch(anthropicError.message, new RegExp(awsKey));

  const geminiError = await rejection(gemini('no-secrets').models.generateContent({ model: 'gemini-2.5-flash', contents: `my key is ${awsKey}` }));
  assert.ok(geminiError instanceof ApiError);
  assert.equal(geminiError.status, 400);
  const googleBody = JSON.parse(geminiError.message) as { error: { status: string; message: string } };
  assert.equal(googleBody.error.status, 'INVALID_ARGUMENT');
  assert.match(googleBody.error.message, /"no-secrets"/);
  assert.doesNotMatch(geminiError.message, new RegExp(awsKey));

  const toolResult = await rejection(openai('no-secrets').responses.create({ model: 'gpt-4o-mini', input: [{ type: 'function_call_output', call_id: 'c1', output: `found ${awsKey}` }] }));
  assert.ok(toolResult instanceof OpenAI.BadRequestError);
  const embedding = await rejection(gemini('no-secrets').models.embedContent({ model: 'text-embedding-004', contents: ['fine', `and ${awsKey}`] }));
  assert.ok(embedding instanceof ApiError);
  assert.deepEqual([openaiUpstream.requests.length, anthropicUpstream.requests.length, geminiUpstream.requests.length], sentBefore, 'nothing reached a provider');
});

test('redact: native bodies reach the provider with placeholders, in every known format', async () => {
  const chat = await openai('pii').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mail ${email}` }] });
  assert.equal(chat.choices[0].message.content, 'echo: mail [EMAIL_1]');

  const message = await anthropic('pii').messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 64, system: [{ type: 'text', text: `Owner: ${email}` }], messages: [{ role: 'user', content: [{ type: 'text', text: `write to ${email}` }] }] });
  assert.equal(message.content[0].type === 'text' && message.content[0].text, 'Echo: write to [EMAIL_1]');
  assert.doesNotMatch(JSON.stringify(anthropicUpstream.requests.at(-1)!.body), /ana\.lopez/);

  const answer = await gemini('pii').models.generateContent({ model: 'gemini-2.5-flash', contents: `ask ${email}`, config: { systemInstruction: `cc ${email}` } });
  assert.match(answer.text ?? '', /ask \[EMAIL_1\]/);
  const sentToGoogle = geminiUpstream.requests.at(-1)!.body as { systemInstruction: { parts: Array<{ text: string }> } };
  assert.equal(sentToGoogle.systemInstruction.parts[0].text, 'cc [EMAIL_1]');

  await openai('pii').embeddings.create({ model: 'text-embedding-3-small', input: ['plain', `about ${email}`] });
  assert.deepEqual((openaiUpstream.requests.at(-1)!.body as { input: string[] }).input, ['plain', 'about [EMAIL_1]']);

  // The fake has no /responses: the body it recorded is what counts.
  await rejection(openai('pii').responses.create({ model: 'gpt-4o-mini', instructions: `sign as ${email}`, input: [{ role: 'user', content: [{ type: 'input_text', text: `hi ${email}` }] }] }));
  const responsesBody = openaiUpstream.requests.at(-1)!.body as { instructions: string; input: Array<{ content: Array<{ text: string }> }> };
  assert.equal(responsesBody.instructions, 'sign as [EMAIL_1]');
  assert.equal(responsesBody.input[0].content[0].text, 'hi [EMAIL_1]');
});

test('flag: the header names the policy (request and answer) and the body goes out unchanged', async () => {
  const body = '{"model":"gpt-4o-mini",  "messages":[{"role":"user","content":"status of Project Falcon?"}]}';
  const response = await raw('watch', 'openai/chat/completions', body);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-sluice-guardrails'), 'watch:flagged(keyword=1); watch:flagged(response,keyword=1)');
  assert.deepEqual(openaiUpstream.requests.at(-1)!.body, JSON.parse(body));
  assert.match(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content, /Project Falcon/);
});

test('response side: native JSON answers are blocked or redacted like /v1 answers', async () => {
  const blocked = await rejection(anthropic('answer-block').messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: `repeat ${awsKey}` }] }));
  assert.ok(blocked instanceof Anthropic.BadRequestError);
  assert.match((blocked.error as { error: { message: string } }).error.message, /response was blocked by guardrail policy "answer-block"/);
  assert.doesNotMatch(blocked.message, new RegExp(awsKey));

  const geminiBlocked = await rejection(gemini('answer-block').models.generateContent({ model: 'gemini-2.5-flash', contents: `repeat ${awsKey}` }));
  assert.ok(geminiBlocked instanceof ApiError && geminiBlocked.status === 400);

  const { data, response } = await openai('answer-redact').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `repeat ${email}` }] }).withResponse();
  assert.equal(data.choices[0].message.content, 'echo: repeat [EMAIL_1]');
  assert.equal(data.system_fingerprint, 'fp_fake', 'the provider\'s other fields are kept');
  assert.equal(response.headers.get('x-sluice-guardrails'), 'answer-redact:redacted(response,email=1)');
  const redacted = await gemini('answer-redact').models.generateContent({ model: 'gemini-2.5-flash', contents: `repeat ${email}` });
  assert.doesNotMatch(redacted.text ?? '', /ana\.lopez/);
  assert.match(redacted.text ?? '', /\[EMAIL_1\]/);
});

test('streams: each SDK\'s native stream is redacted in flight and blocked with an error event', async () => {
  const openaiStream = await openai('answer-redact').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `write ${email} please` }], stream: true });
  let openaiText = '';
  for await (const chunk of openaiStream) openaiText += chunk.choices[0]?.delta.content ?? '';
  assert.equal(openaiText, 'echo: write [EMAIL_1] please');

  const anthropicStream = anthropic('answer-redact').messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: `write ${email} please` }] });
  const final = await anthropicStream.finalMessage();
  assert.equal(final.content[0].type === 'text' && final.content[0].text, 'Echo: write [EMAIL_1] please');

  let geminiText = '';
  for await (const chunk of await gemini('answer-redact').models.generateContentStream({ model: 'gemini-2.5-flash', contents: `write ${email} please` })) geminiText += chunk.text ?? '';
  assert.match(geminiText, /write \[EMAIL_1\] please/);
  assert.doesNotMatch(geminiText, /ana\.lopez/);

  const blockedOpenAI = await rejection((async () => {
    for await (const _chunk of await openai('answer-block').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `say ${awsKey} now` }], stream: true }));
  })());
  assert.match(String(blockedOpenAI), /answer-block/);
  const blockedAnthropic = await rejection(anthropic('answer-block').messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: `say ${awsKey} now` }] }).finalMessage());
  assert.match(String(blockedAnthropic), /answer-block/);
  const blockedGemini = await rejection((async () => {
    for await (const _chunk of await gemini('answer-block').models.generateContentStream({ model: 'gemini-2.5-flash', contents: `say ${awsKey} now` }));
  })());
  assert.ok(blockedGemini instanceof ApiError);
  assert.doesNotMatch(String(blockedGemini), new RegExp(awsKey));
});

test('reversible masking on a native call: the provider sees placeholders, the caller the values', async () => {
  const chat = await openai('masked').chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `mail ${email}` }] });
  assert.equal(chat.choices[0].message.content, `echo: mail ${email}`);
  assert.match(JSON.stringify(openaiUpstream.requests.at(-1)!.body), /mail \[EMAIL_1\]/);
  const message = await anthropic('masked').messages.stream({ model: 'claude-3-5-haiku-latest', max_tokens: 64, messages: [{ role: 'user', content: `mail ${email}` }] }).finalMessage();
  assert.equal(message.content[0].type === 'text' && message.content[0].text, `Echo: mail ${email}`);
});

test('refuse: bodies and answers the gateway cannot read are 403 guardrail_unsupported_endpoint for block and redact policies', async () => {
  const before = openaiUpstream.requests.length;
  const form = new FormData();
  form.append('file', new Blob([`secret ${awsKey}`]), 'notes.txt');
  form.append('purpose', 'assistants');
  const multipart = await fetch(`${gateway.url}/native/openai/files`, { method: 'POST', headers: { authorization: `Bearer ${keys['no-secrets']}` }, body: form });
  assert.equal(multipart.status, 403);
  const error = ((await multipart.json()) as { error: { code: string; message: string } }).error;
  assert.equal(error.code, 'guardrail_unsupported_endpoint');
  assert.match(error.message, /"no-secrets".*POST \/native\/openai\/files/);

  const unknownPath = await raw('no-secrets', 'openai/assistants', JSON.stringify({ instructions: awsKey }));
  assert.equal(unknownPath.status, 403);
  const notJson = await raw('no-secrets', 'openai/chat/completions', 'model=gpt&messages=x');
  assert.equal(notJson.status, 403);
  const compressed = await raw('no-secrets', 'openai/chat/completions', Buffer.from([0x1f, 0x8b, 0x08]), { 'content-encoding': 'gzip' });
  assert.equal(compressed.status, 403);
  // The answers of /responses and of a Gemini stream without alt=sse are not read: refused up front.
  const responses = await rejection(openai('answer-block').responses.create({ model: 'gpt-4o-mini', input: 'hi' }));
  assert.ok(responses instanceof OpenAI.PermissionDeniedError);
  const arrayStream = await raw('answer-block', 'gemini/v1beta/models/gemini-2.5-flash:streamGenerateContent', JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }));
  assert.equal(arrayStream.status, 403);
  assert.equal(((await arrayStream.json()) as { error: { status: string } }).error.status, 'PERMISSION_DENIED');
  assert.equal(openaiUpstream.requests.length, before, 'nothing was sent');

  // A policy that opted out, and flag-only policies, let unreadable calls through unchecked.
  assert.equal((await raw('lenient', 'openai/assistants', JSON.stringify({ instructions: awsKey }))).status, 404);
  assert.equal((await raw('watch', 'openai/assistants', '{"name":"Project Falcon"}')).status, 404);
  assert.equal(openaiUpstream.requests.length, before + 2);
});

test('no policy: native bodies and answers pass byte for byte, unparsed', async () => {
  const body = '{"model":"gpt-4o-mini" ,"messages":[{"role":"user","content":"' + `key ${awsKey}` + '"}]}';
  const response = await raw('plain', 'openai/chat/completions', body);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-sluice-guardrails'), null);
  assert.match(await response.text(), new RegExp(awsKey));
  // Not JSON, not a known endpoint: forwarded as is (the provider answers it).
  assert.equal((await raw('plain', 'openai/assistants', 'not json at all')).status, 404);
  assert.equal(openaiUpstream.requests.at(-1)!.body, 'not json at all');
});
