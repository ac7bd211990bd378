import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Pool, undiciErrors } from './undici-pool.js';

test('a pool from the partial load has the request API and talks HTTP', async () => {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(`${request.method} ${request.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 2 });
  try {
    const response = await pool.request({ path: '/v1/models', method: 'GET' });
    assert.equal(response.statusCode, 200);
    assert.equal(await response.body.text(), 'GET /v1/models');
  } finally {
    await pool.close();
    server.close();
  }
});

test('the error classes are the ones the full undici exports', async () => {
  const undici = await import('undici');
  assert.equal(undiciErrors.HeadersTimeoutError, undici.errors.HeadersTimeoutError);
  assert.equal(undiciErrors.BodyTimeoutError, undici.errors.BodyTimeoutError);
  assert.equal(undiciErrors.ConnectTimeoutError, undici.errors.ConnectTimeoutError);
  assert.equal(Pool, undici.Pool);
});

test('the upstream client does not load undici\'s index (fetch, WebSocket, cache)', () => {
  const upstreamClient = fileURLToPath(new URL('./upstream-client.js', import.meta.url));
  const script = `await import(${JSON.stringify(upstreamClient)});
    const { createRequire } = await import('node:module');
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('/undici/'));
    console.log(JSON.stringify(loaded));`;
  const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
  assert.ok(loaded.some((path) => path.endsWith('/undici/lib/dispatcher/pool.js')), 'the pool is loaded');
  assert.ok(!loaded.some((path) => path.endsWith('/undici/index.js')), 'the index is not');
  assert.ok(!loaded.some((path) => path.includes('/undici/lib/web/')), 'nor fetch or WebSocket');
});
