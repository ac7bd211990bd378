import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { startFakeUpstreamServer, type FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { RunningGateway } from './start-gateway.js';

/**
 * An upstream that streams one chunk, then holds the stream open until told to go on, so
 * tests can see what the client receives while the upstream is still generating.
 */
let upstream: FakeUpstreamControls;
let gateway: RunningGateway;
let upstreamClosedEarly: Promise<void>;
let release: () => void;

const chunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

before(async () => {
  let resolveClosed: () => void;
  upstreamClosedEarly = new Promise((resolve) => (resolveClosed = resolve));
  upstream = await startFakeUpstreamServer(async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(chunk('first'));
    response.once('close', () => {
      if (!response.writableFinished) resolveClosed();
    });
    await new Promise<void>((resolve) => (release = resolve));
    if (response.destroyed) return;
    response.write(chunk(' second', 'stop'));
    response.end('data: [DONE]\n\n');
  });
  gateway = await startTestGateway({ providers: { held: { type: 'openai', base_url: `${upstream.url}/v1` } } });
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

function openStream(): Promise<import('node:http').IncomingMessage> {
  const url = new URL(`${gateway.url}/v1/chat/completions`);
  const client = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' } });
  client.end(JSON.stringify({ model: 'held/m', stream: true, messages: [{ role: 'user', content: 'go' }] }));
  return new Promise((resolve, reject) => client.once('response', resolve).once('error', reject));
}

test('a chunk reaches the client while the upstream is still generating', async () => {
  const started = performance.now();
  const response = await openStream();
  assert.equal(response.statusCode, 200);
  const [first] = (await once(response, 'data')) as [Buffer];
  const waited = performance.now() - started;
  assert.match(first.toString(), /"content":"first"/);
  // The upstream has not finished: the gateway forwarded without buffering the response.
  assert.ok(waited < 1_000, `first chunk after ${waited} ms`);
  release();
  let rest = '';
  for await (const piece of response) rest += piece;
  assert.match(rest, /" second"/);
  assert.match(rest, /data: \[DONE\]\n\n$/);
});

test('a client that disconnects mid-stream aborts the upstream request', async () => {
  const response = await openStream();
  await once(response, 'data');
  response.destroy();
  const outcome = await Promise.race([upstreamClosedEarly.then(() => 'aborted'), new Promise((resolve) => setTimeout(() => resolve('still open'), 2_000))]);
  assert.equal(outcome, 'aborted');
  release();
});

test('a stream that stalls longer than stream_idle_timeout_ms is cut with an error event', async () => {
  const stalling = await startFakeUpstreamServer(async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(chunk('only'));
    // Never finishes: the gateway's idle timer must end it.
  });
  const local = await startTestGateway({ server: { stream_idle_timeout_ms: 500 }, providers: { stall: { type: 'openai', base_url: `${stalling.url}/v1` } } });
  try {
    const started = performance.now();
    const response = await fetch(`${local.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'stall/m', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    const text = await response.text();
    const elapsed = performance.now() - started;
    assert.match(text, /"content":"only"/);
    assert.match(text, /"code":"upstream_timeout"/);
    assert.ok(elapsed < 3_000, `cut after ${elapsed} ms`);
  } finally {
    await local.close();
    await stalling.close();
  }
});
