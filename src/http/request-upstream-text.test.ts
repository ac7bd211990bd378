import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { Cancellation } from './cancellation.js';
import { requestUpstreamText, type UpstreamRequest } from './upstream-client.js';
import { UpstreamTimeoutError, UpstreamUnavailableError } from '../errors/gateway-errors.js';

async function withServer(handler: (request: IncomingMessage, response: ServerResponse) => void, run: (url: string) => Promise<void>): Promise<void> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

function upstreamRequest(url: string, overrides: Partial<UpstreamRequest> = {}): UpstreamRequest {
  return { provider: 'fake', url: new URL(`${url}/v1/chat/completions`), headers: { 'content-type': 'application/json' }, body: '{"a":1}', signal: new Cancellation(), timeoutMs: 2_000, idleTimeoutMs: 2_000, ...overrides };
}

test('requestUpstreamText returns status, lower-cased headers and the whole body sent in pieces', async () => {
  await withServer(
    (request, response) => {
      let body = '';
      request.on('data', (piece) => (body += piece));
      request.on('end', () => {
        response.writeHead(429, { 'Retry-After': '7', 'content-type': 'application/json' });
        response.write('{"echo":');
        setTimeout(() => response.end(`${body}, "é": true}`), 20);
      });
    },
    async (url) => {
      const answer = await requestUpstreamText(upstreamRequest(url));
      assert.equal(answer.statusCode, 429);
      assert.equal(answer.headers['retry-after'], '7');
      assert.deepEqual(JSON.parse(answer.text), { echo: { a: 1 }, é: true });
    },
  );
});

test('no response headers within timeoutMs is a 504 UpstreamTimeoutError, and the upstream connection is closed', async () => {
  let closed: Promise<unknown> | undefined;
  await withServer(
    (request) => {
      closed = once(request.socket, 'close');
    },
    async (url) => {
      const started = performance.now();
      await assert.rejects(requestUpstreamText(upstreamRequest(url, { timeoutMs: 150 })), (error) => error instanceof UpstreamTimeoutError && error.status === 504);
      assert.ok(performance.now() - started < 1_500);
      await closed;
    },
  );
});

test('a caller that cancels mid-body gets its reason and the upstream request is aborted', async () => {
  let closed: Promise<unknown> | undefined;
  await withServer(
    (request, response) => {
      closed = once(request.socket, 'close');
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
    },
    async (url) => {
      const signal = new Cancellation();
      const reason = new Error('client disconnected');
      const pending = requestUpstreamText(upstreamRequest(url, { signal }));
      setTimeout(() => signal.abort(reason), 50);
      await assert.rejects(pending, (error) => error === reason);
      await closed;
    },
  );
});

test('an already cancelled caller sends nothing', async () => {
  let calls = 0;
  await withServer(
    (_request, response) => {
      calls++;
      response.end('{}');
    },
    async (url) => {
      const signal = new Cancellation();
      signal.abort(new Error('gone'));
      await assert.rejects(requestUpstreamText(upstreamRequest(url, { signal })), /gone/);
      assert.equal(calls, 0);
    },
  );
});

test('a body that stalls past idleTimeoutMs is a 504, a refused connection a 502', async () => {
  await withServer(
    (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"partial":');
    },
    async (url) => {
      await assert.rejects(requestUpstreamText(upstreamRequest(url, { idleTimeoutMs: 200 })), (error) => error instanceof UpstreamTimeoutError);
    },
  );
  const closedPort = createServer();
  closedPort.listen(0, '127.0.0.1');
  await once(closedPort, 'listening');
  const { port } = closedPort.address() as AddressInfo;
  closedPort.close();
  await once(closedPort, 'close');
  await assert.rejects(requestUpstreamText(upstreamRequest(`http://127.0.0.1:${port}`)), (error) => error instanceof UpstreamUnavailableError && error.status === 502);
});
