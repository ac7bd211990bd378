import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { validateConfig } from '../config/load-config.js';
import { capturingLogger, eventually } from '../limits/limit-test-support.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';

let upstream: FakeUpstreamControls;
/** Accepts export requests and never answers them. */
let silentCollector: Server;

before(async () => {
  upstream = await startFakeOpenAIUpstream();
  silentCollector = createServer(() => undefined);
  await new Promise<void>((resolve) => silentCollector.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await upstream.close();
  silentCollector.closeAllConnections();
  await new Promise((resolve) => silentCollector.close(resolve));
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function gatewayExportingTo(endpoint: string, logger = capturingLogger().logger): Promise<RunningGateway> {
  const config = validateConfig({
    server: { host: '127.0.0.1', port: 0 },
    storage: 'memory',
    auth: { required: false },
    providers: { openai: { type: 'openai', base_url: `${upstream.url}/v1` } },
    tracing: { enabled: true, endpoint, headers: { authorization: 'Bearer collector-secret-93b' }, batch_delay_ms: 10, max_batch_size: 4, export_timeout_ms: 300 },
  });
  return startGateway(config, { logger, environment: {} });
}

async function chatThrough(gateway: RunningGateway, stream: boolean): Promise<{ status: number; text: string }> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'ping' }], stream }),
  });
  return { status: response.status, text: await response.text() };
}

test('collector down: requests still succeed, the failure is logged without the credentials, close does not hang', async () => {
  const { logger, lines } = capturingLogger();
  const gateway = await gatewayExportingTo(`http://127.0.0.1:${await closedPort()}/v1/traces`, logger);
  try {
    for (let index = 0; index < 6; index++) {
      const reply = await chatThrough(gateway, index % 2 === 1);
      assert.equal(reply.status, 200);
      assert.match(reply.text, /echo: ping|"content":" ping"/);
    }
    await eventually(() => lines.some((line) => line.msg === 'tracing: span export failed; spans dropped'), 5_000);
    assert.ok(!JSON.stringify(lines).includes('collector-secret-93b'), 'the collector credential is never logged');
  } finally {
    await gateway.close();
  }
});

test('a collector that never answers: requests still succeed and close gives up after the export timeout', async () => {
  const gateway = await gatewayExportingTo(`http://127.0.0.1:${(silentCollector.address() as AddressInfo).port}`);
  try {
    for (let index = 0; index < 6; index++) assert.equal((await chatThrough(gateway, index % 2 === 0)).status, 200);
  } finally {
    await gateway.close();
  }
});
