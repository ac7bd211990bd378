import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import { startFakeUpstreamServer, type FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startTestGateway } from '../testing/start-test-gateway.js';

/**
 * A stream falls back only before the upstream accepted it: after that, bytes may have reached
 * the client, and a failure ends the stream with an error event instead.
 */
let healthy: FakeUpstreamControls;
let breaking: FakeUpstreamControls;
let stalling: FakeUpstreamControls;
let gateway: RunningGateway;

const chunk = (content: string) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

before(async () => {
  healthy = await startFakeOpenAIUpstream();
  breaking = await startFakeOpenAIUpstream({ streamErrorAfter: 1 });
  stalling = await startFakeUpstreamServer(async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(chunk('started'));
    // Never finishes: only the route's idle timeout ends it.
  });
  gateway = await startTestGateway({
    providers: {
      healthy: { type: 'openai', base_url: `${healthy.url}/v1` },
      breaking: { type: 'openai', base_url: `${breaking.url}/v1` },
      stalling: { type: 'openai', base_url: `${stalling.url}/v1` },
    },
    server: { stream_idle_timeout_ms: 60_000 },
    routes: {
      before: { targets: [{ model: 'breaking/gpt-4o-mini' }, { model: 'healthy/gpt-4o-mini' }] },
      stalls: { stream_idle_timeout_ms: 300, targets: [{ model: 'stalling/m' }, { model: 'healthy/gpt-4o-mini' }] },
    },
  });
});

after(async () => {
  await gateway.close();
  for (const upstream of [healthy, breaking, stalling]) await upstream.close();
});

async function stream(model: string): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'one two three' }] }),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

test('a stream whose upstream refuses before the first byte falls back to the next target', async () => {
  breaking.failNext(1, 503, { error: { message: 'overloaded', type: 'server_error', param: null, code: null } });
  const before = healthy.requests.length;
  const reply = await stream('before');
  assert.equal(reply.status, 200);
  assert.equal(reply.headers.get('x-sluice-provider'), 'healthy');
  assert.equal(reply.headers.get('x-sluice-attempts'), '2');
  assert.match(reply.text, /"content":"echo:"/);
  assert.match(reply.text, /data: \[DONE\]\n\n$/);
  assert.equal(healthy.requests.length, before + 1);
});

test('once the stream has started, an upstream failure ends it with an error event and no fallback', async () => {
  const before = healthy.requests.length;
  const reply = await stream('before');
  assert.equal(reply.status, 200);
  assert.equal(reply.headers.get('x-sluice-provider'), 'breaking');
  assert.match(reply.text, /"content":"echo:"/, 'the first chunk reached the client');
  assert.match(reply.text, /data: \{"error":/);
  assert.doesNotMatch(reply.text, /\[DONE\]/);
  assert.equal(healthy.requests.length, before, 'no second upstream was asked');
});

test('a stream silent for longer than the route\'s idle timeout is cut with an error event', async () => {
  const started = performance.now();
  const reply = await stream('stalls');
  const elapsed = performance.now() - started;
  assert.equal(reply.headers.get('x-sluice-provider'), 'stalling');
  assert.match(reply.text, /"content":"started"/);
  assert.match(reply.text, /data: \{"error":.*"code":"upstream_timeout"/);
  assert.ok(elapsed >= 280 && elapsed < 5_000, `cut after ${elapsed} ms (route: 300 ms, server: 60 s)`);
});
