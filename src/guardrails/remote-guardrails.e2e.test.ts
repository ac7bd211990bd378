import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeGuardUpstream } from './testing/fake-guard-upstream.js';

let upstream: FakeUpstreamControls;
let slowUpstream: FakeUpstreamControls;
let guard: FakeUpstreamControls;
let gateway: RunningGateway;
let client: OpenAI;

const route = (...guardrails: string[]) => ({ targets: [{ model: 'openai/gpt-4o-mini' }], guardrails });

before(async () => {
  upstream = await startFakeOpenAIUpstream();
  slowUpstream = await startFakeOpenAIUpstream();
  slowUpstream.delayMs = 1_000;
  guard = await startFakeGuardUpstream();
  gateway = await startTestGateway({
    providers: {
      openai: { type: 'openai', api_key: 'sk-upstream', base_url: `${upstream.url}/v1` },
      guard: { type: 'openai', api_key: 'sk-guard', base_url: `${guard.url}/v1` },
      slow: { type: 'openai', base_url: `${slowUpstream.url}/v1` },
    },
    guardrails: {
      moderation: { type: 'moderation', route: 'guard/omni-moderation-latest', categories: { violence: 'flag' } },
      'answer-moderation': { type: 'moderation', route: 'guard/omni-moderation-latest', apply_to: ['response'] },
      judge: { type: 'llm_judge', route: 'guard/llama-guard-3' },
      'slow-judge-closed': { type: 'llm_judge', route: 'slow/judge', timeout_ms: 150 },
      'slow-judge-open': { type: 'llm_judge', route: 'slow/judge', timeout_ms: 150, fail_mode: 'fail_open' },
      // The plain fake upstream echoes the prompt: an answer that is neither "safe" nor "unsafe".
      'confused-judge': { type: 'llm_judge', route: 'openai/echo' },
      pii: { type: 'pii', entities: ['email'], action: 'redact' },
    },
    routes: {
      moderated: route('moderation'),
      'moderated-answer': route('answer-moderation'),
      judged: route('pii', 'judge'),
      'slow-closed': route('slow-judge-closed'),
      'slow-open': route('slow-judge-open'),
      confused: route('confused-judge'),
    },
  });
  client = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

after(async () => {
  await gateway.close();
  await Promise.all([upstream.close(), slowUpstream.close(), guard.close()]);
});

const ask = (model: string, content: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();
const blockedBy = (policy: string) => (error: unknown) => error instanceof OpenAI.BadRequestError && error.code === 'guardrail_blocked' && error.message.includes(`"${policy}"`);

test('moderation through a route speaking the OpenAI format: per-category actions', async () => {
  await assert.rejects(ask('moderated', 'hateful-marker text'), blockedBy('moderation'));
  const moderationCall = guard.requests.at(-1)!;
  assert.equal(moderationCall.path, '/v1/moderations');
  assert.equal(moderationCall.headers.authorization, 'Bearer sk-guard');
  assert.deepEqual(moderationCall.body, { model: 'omni-moderation-latest', input: ['hateful-marker text'] });
  const flagged = await ask('moderated', 'violent-marker text');
  assert.equal(flagged.response.headers.get('x-sluice-guardrails'), 'moderation:flagged(violence)');
  const clean = await ask('moderated', 'a calm question');
  assert.equal(clean.response.headers.get('x-sluice-guardrails'), null);
});

test('response moderation on a stream holds the final chunk and ends with an error event when it blocks', async () => {
  const stream = await client.chat.completions.create({ model: 'moderated-answer', messages: [{ role: 'user', content: 'say hateful-marker' }], stream: true });
  await assert.rejects(
    (async () => {
      for await (const chunk of stream) assert.equal(chunk.choices[0]?.finish_reason ?? null, null, 'the finish chunk is held until moderation passes');
    })(),
    (error: unknown) => error instanceof OpenAI.APIError && error.code === 'guardrail_blocked',
  );
  const passing = await client.chat.completions.create({ model: 'moderated-answer', messages: [{ role: 'user', content: 'say hello' }], stream: true });
  let finish: string | null = null;
  for await (const chunk of passing) finish = chunk.choices[0]?.finish_reason ?? finish;
  assert.equal(finish, 'stop');
});

test('an LLM judge through a configured route, which sees the request already redacted', async () => {
  await assert.rejects(ask('judged', 'tell me about forbidden-marker, I am ann@example.com'), blockedBy('judge'));
  const judgeCall = guard.requests.at(-1)!;
  assert.equal(judgeCall.path, '/v1/chat/completions');
  const prompt = (judgeCall.body as { messages: Array<{ content: string }> }).messages[0].content;
  assert.match(prompt, /forbidden-marker, I am \[EMAIL_1\]/);
  assert.doesNotMatch(prompt, /ann@example\.com/);
  const { data } = await ask('judged', 'a fine question');
  assert.equal(data.choices[0].message.content, 'echo: a fine question');
});

test('a judge that times out blocks when failing closed, and lets the request through when failing open', async () => {
  const started = Date.now();
  await assert.rejects(ask('slow-closed', 'anything'), (error: unknown) => blockedBy('slow-judge-closed')(error) && /timeout/.test((error as Error).message));
  assert.ok(Date.now() - started < 900, 'the time limit cut the call short');
  const open = await ask('slow-open', 'anything');
  assert.equal(open.data.choices[0].message.content, 'echo: anything');
  assert.equal(open.response.headers.get('x-sluice-guardrails'), 'slow-judge-open:error(error=timeout,fail_open)');
});

test('a judge answer that is neither safe nor unsafe is a detector error: the fail mode decides', async () => {
  await assert.rejects(ask('confused', 'hello'), (error: unknown) => blockedBy('confused-judge')(error) && /detector error/.test((error as Error).message));
});
