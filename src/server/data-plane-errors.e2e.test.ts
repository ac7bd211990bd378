import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { request as httpRequest } from 'undici';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import type { RunningGateway } from './start-gateway.js';

let upstream: FakeUpstreamControls;
let slowUpstream: FakeUpstreamControls;
let gateway: RunningGateway;
let closedPort: number;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  upstream = await startFakeOpenAIUpstream({ apiKey: 'sk-up' });
  slowUpstream = await startFakeOpenAIUpstream();
  slowUpstream.delayMs = 2_000;
  closedPort = await freePort();
  gateway = await startTestGateway({
    server: { max_body_bytes: 4096 },
    providers: {
      openai: { type: 'openai', api_key: 'sk-up', base_url: `${upstream.url}/v1` },
      wrongkey: { type: 'openai', api_key: 'sk-wrong', base_url: `${upstream.url}/v1` },
      down: { type: 'openai', base_url: `http://127.0.0.1:${closedPort}/v1` },
      slow: { type: 'openai', base_url: `${slowUpstream.url}/v1`, timeout_ms: 150 },
    },
  });
});

after(async () => {
  await gateway.close();
  await upstream.close();
  await slowUpstream.close();
});

async function post(body: string | object, headers: Record<string, string> = {}, path = '/v1/chat/completions') {
  const response = await httpRequest(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text, json: JSON.parse(text) as { error: Record<string, unknown> } };
}

const hello = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

function assertOpenAIError(result: Awaited<ReturnType<typeof post>>, status: number, code?: string) {
  assert.equal(result.status, status, result.text);
  assert.deepEqual(Object.keys(result.json.error).sort(), ['code', 'message', 'param', 'type']);
  if (code) assert.equal(result.json.error.code, code);
  assert.doesNotMatch(result.text, /at .*\.js:\d+/, 'no stack trace');
  assert.ok(result.headers['x-sluice-request-id']);
}

test('malformed JSON is a 400 invalid_json', async () => {
  assertOpenAIError(await post('{"model": "openai/x", '), 400, 'invalid_json');
  assertOpenAIError(await post(''), 400, 'invalid_json');
});

test('schema violations are 400 and name the field', async () => {
  const wrongType = await post({ model: 'openai/x', messages: [{ role: 'user', content: 'hi' }], temperature: 'hot' });
  assertOpenAIError(wrongType, 400, 'invalid_value');
  assert.equal(wrongType.json.error.param, 'temperature');
  const badRole = await post({ model: 'openai/x', messages: [{ role: 'wizard', content: 'hi' }] });
  assert.equal(badRole.json.error.param, 'messages[0].role');
  const noMessages = await post({ model: 'openai/x' });
  assert.equal(noMessages.json.error.param, 'messages');
  assertOpenAIError(await post([1, 2]), 400);
});

test('unknown provider or route is 404 model_not_found', async () => {
  const result = await post({ ...hello, model: 'nosuch/gpt' });
  assertOpenAIError(result, 404, 'model_not_found');
  assert.equal(result.json.error.param, 'model');
  assertOpenAIError(await post({ ...hello, model: 'no-route' }), 404, 'model_not_found');
});

test('a body over server.max_body_bytes is 413', async () => {
  const big = { ...hello, messages: [{ role: 'user', content: 'x'.repeat(5000) }] };
  assertOpenAIError(await post(big), 413, 'request_too_large');
});

test('upstream unreachable is 502, upstream slower than the timeout is 504', async () => {
  assertOpenAIError(await post({ ...hello, model: 'down/m' }), 502, 'upstream_unavailable');
  const started = Date.now();
  assertOpenAIError(await post({ ...hello, model: 'slow/m' }), 504, 'upstream_timeout');
  assert.ok(Date.now() - started < 600, `the 150 ms timeout cut the wait (${Date.now() - started} ms)`);
  const perRequest = await post({ ...hello, model: 'down/m' }, { 'x-sluice-request-timeout': 'soon' });
  assertOpenAIError(perRequest, 400, 'invalid_header');
});

test('provider 4xx pass through with the provider message; 5xx become 502', async () => {
  const unauthorized = await post({ ...hello, model: 'wrongkey/gpt-4o-mini' });
  assertOpenAIError(unauthorized, 401);
  assert.match(String(unauthorized.json.error.message), /Incorrect API key provided/);
  assert.doesNotMatch(unauthorized.text, /sk-wrong|sk-up/, 'no secret in the response');
  upstream.failNext(1, 429, { error: { message: 'Rate limit reached for gpt-4o-mini', type: 'requests', code: 'rate_limit_exceeded', param: null } }, { 'retry-after': '7' });
  const limited = await post(hello);
  assertOpenAIError(limited, 429, 'rate_limit_exceeded');
  assert.equal(limited.headers['retry-after'], '7');
  upstream.failNext(1, 503, { error: { message: 'overloaded', type: 'server_error' } });
  assertOpenAIError(await post(hello), 502, 'upstream_error');
});

test('a mid-stream upstream error ends the SSE stream with an error event', async () => {
  const failing = await startFakeOpenAIUpstream({ streamErrorAfter: 1 });
  const local = await startTestGateway({ providers: { flaky: { type: 'openai', base_url: `${failing.url}/v1` } } });
  try {
    const response = await httpRequest(`${local.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'flaky/m', stream: true, messages: [{ role: 'user', content: 'a b c' }] }),
    });
    assert.equal(response.statusCode, 200);
    const text = await response.body.text();
    const events = text.split('\n\n').filter(Boolean).map((event) => event.replace(/^data: /, ''));
    assert.equal(JSON.parse(events[1]).choices[0].delta.content, 'echo:');
    assert.match(JSON.parse(events.at(-1)!).error.message, /The server had an error/);
    assert.ok(!text.includes('[DONE]'));
  } finally {
    await local.close();
    await failing.close();
  }
});

test('unknown paths are 404, wrong methods 405, health endpoints answer', async () => {
  assertOpenAIError(await post({}, {}, '/v1/nothing'), 404, 'unknown_url');
  const get = await httpRequest(`${gateway.url}/v1/chat/completions`);
  assert.equal(get.statusCode, 405);
  await get.body.text();
  for (const path of ['/healthz', '/readyz']) {
    const health = await httpRequest(`${gateway.url}${path}`);
    assert.equal(health.statusCode, 200);
    assert.equal((await health.body.json() as { status: string }).status, 'ok');
  }
});

test('auth.required without any key store rejects with 401 in the right shape', async () => {
  const secured = await startTestGateway({ auth: { required: true }, providers: { openai: { type: 'openai', base_url: `${upstream.url}/v1` } } });
  try {
    const response = await httpRequest(`${secured.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(hello) });
    assert.equal(response.statusCode, 401);
    assert.equal(((await response.body.json()) as { error: { code: string } }).error.code, 'missing_api_key');
    const withKey = await httpRequest(`${secured.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-sluice-unknown' }, body: JSON.stringify(hello) });
    assert.equal(withKey.statusCode, 401);
    assert.equal(((await withKey.body.json()) as { error: { code: string } }).error.code, 'invalid_api_key');
  } finally {
    await secured.close();
  }
});
