import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { chat, createKey, eventually } from '../limits/limit-test-support.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';

let upstream: FakeUpstreamControls;
before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: false });
});
after(() => upstream.close());

function start(store: Store, extra: Record<string, unknown> = {}): Promise<RunningGateway> {
  const config = validateConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      storage: 'memory',
      auth: { required: true },
      admin: { token: 'test-admin-token' },
      providers: { openai: { type: 'openai', base_url: `${upstream.url}/v1` } },
      pricing: { 'openai/gpt-4o-mini': { input: 1, output: 2 } },
      ...extra,
    },
    'test config',
  );
  // A store passed in stays open after close(), so the test can read what reached it.
  return startGateway(config, { logger: pino({ level: 'silent' }), environment: {}, store });
}

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

test('a successful chat is logged with its key, team, model, tokens, cost, metadata, client and trace', async () => {
  const store = await openStore('memory');
  const gateway = await start(store);
  const key = await createKey(gateway);
  const reply = await chat(gateway, key.secret, {}, { 'x-sluice-metadata': '{"user":"u-1","n":2}', 'user-agent': 'e2e/1', traceparent });
  assert.equal(reply.status, 200, reply.text);
  const id = reply.headers.get('x-sluice-request-id')!;
  await gateway.close();
  const record = await store.getRequestLog(id);
  assert.ok(record, 'the record reached the store by close()');
  assert.equal(record.key_id, key.keyId);
  assert.equal(record.team_id, key.teamId);
  assert.equal(record.endpoint, 'chat');
  assert.equal(record.status, 200);
  assert.equal(record.error_code, null);
  assert.equal(record.provider, 'openai');
  assert.equal(record.model_requested, 'openai/gpt-4o-mini');
  assert.match(record.model_served ?? '', /^openai\//);
  assert.ok(record.prompt_tokens! > 0 && record.completion_tokens! >= 0);
  assert.equal(record.usage_estimated, false);
  assert.ok(record.cost_usd! > 0, 'cost is settled before the log stage runs');
  assert.ok(record.latency_ms > 0 && record.first_token_ms !== null && record.first_token_ms <= record.latency_ms);
  assert.equal(record.attempts.length, 1);
  assert.equal(record.attempts[0]!.outcome, 'success');
  assert.deepEqual(record.metadata, { user: 'u-1', n: 2 });
  assert.equal(record.user_agent, 'e2e/1');
  assert.match(record.client_ip ?? '', /127\.0\.0\.1/);
  assert.equal(record.trace_id, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(record.request_body, null, 'bodies are off by default');
  assert.ok(Math.abs(Date.parse(record.at) - Date.now()) < 60_000);
  await store.close();
});

test('a streamed chat is logged once the stream ends, with its usage and time to first token', async () => {
  const store = await openStore('memory');
  const gateway = await start(store);
  const key = await createKey(gateway);
  const reply = await chat(gateway, key.secret, { stream: true, stream_options: { include_usage: true } });
  assert.equal(reply.status, 200);
  assert.match(reply.text, /\[DONE\]/);
  await gateway.close();
  const record = await store.getRequestLog(reply.headers.get('x-sluice-request-id')!);
  assert.ok(record);
  assert.equal(record.status, 200);
  assert.ok(record.completion_tokens! > 0, 'usage from the end of the stream');
  assert.ok(record.cost_usd! > 0);
  assert.ok(record.first_token_ms! > 0 && record.first_token_ms! <= record.latency_ms);
  await store.close();
});

test('errors are logged with status and code; x-sluice-collect-log: false keeps a request out', async () => {
  const store = await openStore('memory');
  const gateway = await start(store, { request_log: { bodies: 'full' } });
  const key = await createKey(gateway);
  const unknown = await chat(gateway, key.secret, { model: 'nowhere/model' });
  const unauthorized = await chat(gateway, 'sk-sluice-wrong');
  upstream.failNext(1, 500, { error: { message: 'boom' } });
  const failed = await chat(gateway, key.secret, {}, { 'x-sluice-max-attempts': '1' });
  const optedOut = await chat(gateway, key.secret, {}, { 'x-sluice-collect-log': 'false' });
  assert.equal(optedOut.status, 200);
  await gateway.close();
  const byId = async (reply: { headers: Headers }) => store.getRequestLog(reply.headers.get('x-sluice-request-id')!);
  const unknownRecord = await byId(unknown);
  assert.equal(unknownRecord?.status, unknown.status);
  assert.ok(unknownRecord?.error_code);
  assert.match(unknownRecord?.request_body ?? '', /nowhere\/model/, 'bodies: full stores the request');
  const unauthorizedRecord = await byId(unauthorized);
  assert.equal(unauthorizedRecord?.status, 401);
  assert.equal(unauthorizedRecord?.key_id, null);
  const failedRecord = await byId(failed);
  assert.ok(failedRecord && failedRecord.status >= 500, JSON.stringify(failedRecord));
  assert.equal(failedRecord.attempts.at(-1)?.outcome, 'failure');
  assert.equal(await byId(optedOut), undefined);
  await store.close();
});

test('a store that refuses every write does not fail or slow requests', async () => {
  const store = await openStore('memory');
  const broken = new Proxy(store, {
    get: (target, property, receiver) =>
      property === 'insertRequestLogs' ? async () => Promise.reject(new Error('disk full')) : Reflect.get(target, property, receiver),
  });
  const gateway = await start(broken, { request_log: { queue_size: 10, flush_interval_ms: 5 } });
  const key = await createKey(gateway);
  for (let index = 0; index < 30; index++) assert.equal((await chat(gateway, key.secret)).status, 200);
  const { writer } = gateway.gateway.logs;
  await eventually(() => writer.failedBatches > 0);
  assert.ok(writer.depth <= 10, 'the queue stays bounded');
  assert.ok(writer.dropped >= 20, `drops are counted (${writer.dropped})`);
  await gateway.close();
  await store.close();
});

test('10,000 requests, then shutdown: every record reaches the store', { timeout: 120_000 }, async () => {
  const store = await openStore('memory');
  const gateway = await start(store, { auth: { required: false }, request_log: { flush_interval_ms: 3_600_000, batch_size: 20_000, queue_size: 20_000 } });
  const total = 10_000;
  let sent = 0;
  // 50 clients in parallel: enough to keep several batches in flight when close() starts.
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (sent < total) {
        sent++;
        const response = await fetch(`${gateway.url}/v1/models`);
        assert.equal(response.status, 200);
        await response.arrayBuffer();
      }
    }),
  );
  // Nothing is written before close(): no timer tick, no full batch. (Checked after close, so a
  // failure cannot leave the gateway open and the test process hanging.)
  const writtenBeforeClose = gateway.gateway.logs.writer.written;
  // The shutdown path of SIGTERM/SIGINT in src/cli/main.ts: close() and nothing else.
  await gateway.close();
  assert.equal(writtenBeforeClose, 0);
  const counted = await store.queryRequestLogs({ limit: total + 10, status: 200 });
  assert.equal(counted.records.length, total);
  assert.equal(gateway.gateway.logs.writer.dropped, 0);
  await store.close();
});

test('bodies: redacted stores request and answer with PII masked, searchable by text', async () => {
  const store = await openStore('memory');
  const gateway = await start(store, { request_log: { bodies: 'redacted' } });
  const key = await createKey(gateway);
  const reply = await chat(gateway, key.secret, { messages: [{ role: 'user', content: 'write to jane.doe@example.com about the needle' }] });
  assert.equal(reply.status, 200);
  await gateway.close();
  const record = await store.getRequestLog(reply.headers.get('x-sluice-request-id')!);
  assert.ok(record);
  assert.ok(record.request_body?.includes('[EMAIL]') && !record.request_body.includes('jane.doe'), record.request_body ?? 'no body');
  assert.ok(record.response_body?.includes('"choices"'));
  assert.deepEqual((await store.queryRequestLogs({ limit: 5, text: 'about the needle' })).records.map((each) => each.id), [record.id]);
  await store.close();
});
