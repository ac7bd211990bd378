import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { chat, createKey } from '../limits/limit-test-support.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { requestLogColumns, type RequestLogRecord } from './request-log-record.js';

/**
 * Issue 7 item 9: every field of the record, filled or rightly null, for each kind of request.
 * An expectation names every field of RequestLogRecord (the type makes a missing one a compile
 * error): a value is compared exactly, a function checks what varies from run to run.
 */
type Expectation = { [Field in keyof RequestLogRecord]-?: RequestLogRecord[Field] | ((value: RequestLogRecord[Field], record: RequestLogRecord) => boolean) };

function assertRecord(record: RequestLogRecord | undefined, expected: Expectation): void {
  assert.ok(record, 'the record reached the store');
  assert.deepEqual(Object.keys(record).sort(), [...requestLogColumns].sort(), 'the stored record has exactly the columns of the type');
  for (const field of requestLogColumns) {
    const want = expected[field];
    const got: unknown = record[field];
    if (typeof want === 'function') assert.ok((want as (value: unknown, record: RequestLogRecord) => boolean)(got, record), `${field}: ${JSON.stringify(got)} is not what was expected`);
    else assert.deepEqual(got, want, `${field}`);
  }
}

const isRequestId = (value: string) => /^[0-9a-f-]{36}$/.test(value);
const isRecentIso = (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) && Math.abs(Date.parse(value) - Date.now()) < 60_000;
const isPositiveMs = (value: number) => typeof value === 'number' && value > 0 && value < 30_000;
const isLoopback = (value: string | null) => value !== null && /^(::ffff:)?127\.0\.0\.1$|^::1$/.test(value);
const isTraceId = (value: string | null) => value !== null && /^[0-9a-f]{32}$/.test(value) && !/^0+$/.test(value);
/** An upstream attempt's own latency is part of the request's and cannot exceed it. */
const withinRequest = (latencyMs: number, record: RequestLogRecord) => latencyMs >= 0 && latencyMs <= record.latency_ms;

let primary: FakeUpstreamControls;
let secondary: FakeUpstreamControls;
let store: Store;
let gateway: RunningGateway;
let key: { secret: string; keyId: string; teamId: string };
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

before(async () => {
  primary = await startFakeOpenAIUpstream({ record: false });
  secondary = await startFakeOpenAIUpstream({ record: false });
  store = await openStore('memory');
  const config = validateConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      storage: 'memory',
      auth: { required: true },
      admin: { token: 'test-admin-token' },
      providers: { openai: { type: 'openai', base_url: `${primary.url}/v1` }, backup: { type: 'openai', base_url: `${secondary.url}/v1` } },
      routes: {
        smart: { targets: [{ model: 'openai/gpt-4o-mini' }], cache: { ttl: 60 }, guardrails: ['emails'] },
        sturdy: { strategy: 'fallback', targets: [{ model: 'openai/gpt-4o-mini' }, { model: 'backup/gpt-4o-mini' }], retry: { attempts: 1 }, breaker: false },
      },
      guardrails: { emails: { type: 'pii', entities: ['email'], action: 'flag', apply_to: ['request'] } },
      pricing: { 'openai/gpt-4o-mini': { input: 1, output: 2 }, 'backup/gpt-4o-mini': { input: 1, output: 2 } },
      request_log: { bodies: 'full' },
    },
    'test config',
  );
  gateway = await startGateway(config, { logger: pino({ level: 'silent' }), environment: {}, store });
  key = await createKey(gateway);
});

after(async () => {
  await gateway.close();
  await store.close();
  await primary.close();
  await secondary.close();
});

/** The record of a reply, once the writer has flushed it. */
async function recordOf(reply: { headers: Headers }): Promise<RequestLogRecord | undefined> {
  await gateway.gateway.logs.writer.flush();
  return store.getRequestLog(reply.headers.get('x-sluice-request-id')!);
}

const answerOf = (reply: { text: string }) => (value: string | null) => value !== null && JSON.parse(value).choices[0].message.content === JSON.parse(reply.text).choices[0].message.content;
const usageOf = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion, cached_tokens: 0, reasoning_tokens: 0, usage_estimated: false });
/** Priced at 1 and 2 USD per million tokens in the config. */
const costOf = (prompt: number, completion: number) => (value: number | null) => value !== null && Math.abs(value - (prompt * 1 + completion * 2) / 1e6) < 1e-12;
const noUsage = { prompt_tokens: null, completion_tokens: null, cached_tokens: null, reasoning_tokens: null, usage_estimated: null, cost_usd: null, cost_saved_usd: null };

const cachedBody = { model: 'smart', messages: [{ role: 'user', content: 'mail jane@example.com' }] };
const clientHeaders = { 'x-sluice-metadata': '{"user":"u-1","n":2}', 'user-agent': 'fields/1', traceparent };
const flaggedEmail = [{ policy: 'emails', type: 'pii', phase: 'request', outcome: 'flagged', entities: { email: 1 } }];

test('a successful JSON request through a route: every field', async () => {
  const reply = await chat(gateway, key.secret, cachedBody, clientHeaders);
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers.get('x-sluice-cache-status'), 'MISS');
  const { prompt_tokens: prompt, completion_tokens: completion } = reply.json.usage;
  assertRecord(await recordOf(reply), {
    id: (value) => value === reply.headers.get('x-sluice-request-id') && isRequestId(value),
    at: isRecentIso,
    key_id: key.keyId,
    team_id: key.teamId,
    route: 'smart',
    provider: 'openai',
    model_requested: 'smart',
    model_served: `openai/${reply.json.model}`,
    endpoint: 'chat',
    status: 200,
    error_code: null,
    latency_ms: isPositiveMs,
    first_token_ms: (value, record) => value !== null && value > 0 && value <= record.latency_ms,
    ...usageOf(prompt, completion),
    cost_usd: costOf(prompt, completion),
    cost_saved_usd: null,
    cache_status: 'MISS',
    attempts: (value, record) => value.length === 1 && value[0]!.target === 'openai/gpt-4o-mini' && value[0]!.route === 'smart' && value[0]!.attempt === 1 && value[0]!.outcome === 'success' && value[0]!.status === 200 && withinRequest(value[0]!.latencyMs, record),
    guardrails: flaggedEmail as RequestLogRecord['guardrails'],
    metadata: { user: 'u-1', n: 2 },
    client_ip: isLoopback,
    user_agent: 'fields/1',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    request_body: JSON.stringify(cachedBody),
    response_body: answerOf(reply),
  });
});

test('a cache hit: no attempts, the cached answer\'s provider and model, no cost', async () => {
  const reply = await chat(gateway, key.secret, cachedBody, clientHeaders);
  assert.equal(reply.headers.get('x-sluice-cache-status'), 'HIT');
  const { prompt_tokens: prompt, completion_tokens: completion } = reply.json.usage;
  assertRecord(await recordOf(reply), {
    id: (value) => value === reply.headers.get('x-sluice-request-id'),
    at: isRecentIso,
    key_id: key.keyId,
    team_id: key.teamId,
    route: 'smart',
    provider: 'openai',
    model_requested: 'smart',
    model_served: `openai/${reply.json.model}`,
    endpoint: 'chat',
    status: 200,
    error_code: null,
    latency_ms: isPositiveMs,
    // No upstream answered: the time to a first token is the model's, and none ran.
    first_token_ms: null,
    // The answer's own usage (what the tokens were when it was made); nothing was spent now.
    ...usageOf(prompt, completion),
    cost_usd: null,
    // What the answer cost when it was made: saved by serving it again.
    cost_saved_usd: costOf(prompt, completion),
    cache_status: 'HIT',
    attempts: [],
    guardrails: flaggedEmail as RequestLogRecord['guardrails'],
    metadata: { user: 'u-1', n: 2 },
    client_ip: isLoopback,
    user_agent: 'fields/1',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    request_body: JSON.stringify(cachedBody),
    response_body: answerOf(reply),
  });
});

test('a streamed request: usage from the last chunk and the time to the first token', async () => {
  const body = { stream: true, stream_options: { include_usage: true } };
  const reply = await chat(gateway, key.secret, body);
  assert.equal(reply.status, 200);
  const events = reply.text.split('\n').filter((line) => line.startsWith('data: {')).map((line) => JSON.parse(line.slice(6)));
  const usage = events.at(-1).usage;
  assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0, 'the client got a usage chunk');
  assertRecord(await recordOf(reply), {
    id: (value) => value === reply.headers.get('x-sluice-request-id'),
    at: isRecentIso,
    key_id: key.keyId,
    team_id: key.teamId,
    route: null,
    provider: 'openai',
    model_requested: 'openai/gpt-4o-mini',
    model_served: 'openai/gpt-4o-mini',
    endpoint: 'chat',
    status: 200,
    error_code: null,
    latency_ms: isPositiveMs,
    first_token_ms: (value, record) => value !== null && value > 0 && value <= record.latency_ms,
    ...usageOf(usage.prompt_tokens, usage.completion_tokens),
    cost_usd: costOf(usage.prompt_tokens, usage.completion_tokens),
    cost_saved_usd: null,
    cache_status: null,
    attempts: (value, record) => value.length === 1 && value[0]!.outcome === 'success' && value[0]!.status === 200 && withinRequest(value[0]!.latencyMs, record),
    guardrails: [],
    metadata: {},
    client_ip: isLoopback,
    user_agent: 'node',
    trace_id: isTraceId,
    request_body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], ...body }),
    // Streams are passed through chunk by chunk, not reassembled for the log.
    response_body: null,
  });
});

test('an upstream 4xx passed through: status, code, the failed attempt, no usage', async () => {
  primary.failNext(1, 400, { error: { message: 'max_tokens is too large', type: 'invalid_request_error', param: 'max_tokens', code: null } });
  const reply = await chat(gateway, key.secret, {});
  assert.equal(reply.status, 400);
  assert.match(reply.json.error.message, /max_tokens is too large/, 'the provider\'s message is passed through');
  assertRecord(await recordOf(reply), {
    id: (value) => value === reply.headers.get('x-sluice-request-id'),
    at: isRecentIso,
    key_id: key.keyId,
    team_id: key.teamId,
    route: null,
    provider: 'openai',
    model_requested: 'openai/gpt-4o-mini',
    model_served: 'openai/gpt-4o-mini',
    endpoint: 'chat',
    status: 400,
    error_code: reply.json.error.code ?? reply.json.error.type,
    latency_ms: isPositiveMs,
    first_token_ms: null,
    ...noUsage,
    cache_status: null,
    attempts: (value, record) => value.length === 1 && value[0]!.outcome === 'failure' && value[0]!.status === 400 && value[0]!.errorCode === 'http_400' && withinRequest(value[0]!.latencyMs, record),
    guardrails: [],
    metadata: {},
    client_ip: isLoopback,
    user_agent: 'node',
    trace_id: isTraceId,
    request_body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] }),
    response_body: null,
  });
});

test('a gateway-side 4xx (bad JSON): the caller is known, nothing upstream, the body as sent', async () => {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key.secret}`, 'content-type': 'application/json', 'x-sluice-metadata': '{"user":"u-2"}' },
    body: '{"model": ',
  });
  const reply = { status: response.status, headers: response.headers, json: (await response.json()) as { error: { code: string } } };
  assert.equal(reply.status, 400);
  assertRecord(await recordOf(reply), {
    id: (value) => value === reply.headers.get('x-sluice-request-id'),
    at: isRecentIso,
    key_id: key.keyId,
    team_id: key.teamId,
    route: null,
    provider: null,
    model_requested: null,
    model_served: null,
    endpoint: 'chat',
    status: 400,
    error_code: reply.json.error.code,
    latency_ms: isPositiveMs,
    first_token_ms: null,
    ...noUsage,
    cache_status: null,
    attempts: [],
    guardrails: [],
    metadata: { user: 'u-2' },
    client_ip: isLoopback,
    user_agent: 'node',
    trace_id: isTraceId,
    request_body: '{"model": ',
    response_body: null,
  });
  assert.equal(reply.json.error.code, 'invalid_json');
});

test('a fallback: both targets in the attempts with their statuses and latencies, served by the second', async () => {
  primary.failNext(1, 503, { error: { message: 'overloaded', type: 'server_error', param: null, code: null } });
  const reply = await chat(gateway, key.secret, { model: 'sturdy' });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers.get('x-sluice-attempts'), '2');
  const { prompt_tokens: prompt, completion_tokens: completion } = reply.json.usage;
  assertRecord(await recordOf(reply), {
    id: (value) => value === reply.headers.get('x-sluice-request-id'),
    at: isRecentIso,
    key_id: key.keyId,
    team_id: key.teamId,
    route: 'sturdy',
    provider: 'backup',
    model_requested: 'sturdy',
    model_served: `backup/${reply.json.model}`,
    endpoint: 'chat',
    status: 200,
    error_code: null,
    latency_ms: isPositiveMs,
    first_token_ms: (value, record) => value !== null && value > 0 && value <= record.latency_ms,
    ...usageOf(prompt, completion),
    cost_usd: costOf(prompt, completion),
    cost_saved_usd: null,
    cache_status: null,
    attempts: (value, record) => {
      const [failed, served] = value;
      return value.length === 2 &&
        failed!.target === 'openai/gpt-4o-mini' && failed!.route === 'sturdy' && failed!.outcome === 'failure' && failed!.status === 503 && failed!.errorCode === 'upstream_error' &&
        served!.target === 'backup/gpt-4o-mini' && served!.route === 'sturdy' && served!.outcome === 'success' && served!.status === 200 &&
        withinRequest(failed!.latencyMs + served!.latencyMs, record);
    },
    guardrails: [],
    metadata: {},
    client_ip: isLoopback,
    user_agent: 'node',
    trace_id: isTraceId,
    request_body: JSON.stringify({ model: 'sturdy', messages: [{ role: 'user', content: 'hello' }] }),
    response_body: answerOf(reply),
  });
});
