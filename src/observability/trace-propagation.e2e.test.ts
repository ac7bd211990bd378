import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chat, createKey, startLimitsGateway } from '../limits/limit-test-support.js';
import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { parseTraceparent } from './trace-context.js';

let upstream: FakeUpstreamControls;
let gateway: RunningGateway;
let secret: string;
const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

before(async () => {
  upstream = await startFakeOpenAIUpstream({ record: true });
  gateway = await startLimitsGateway(upstream.url);
  secret = (await createKey(gateway)).secret;
});

after(async () => {
  await gateway.close();
  await upstream.close();
});

const lastUpstreamHeaders = () => upstream.requests.at(-1)!.headers;

for (const stream of [false, true]) {
  test(`traceparent: the upstream joins the caller's trace under the gateway's span (${stream ? 'stream' : 'JSON'})`, async () => {
    const reply = await chat(gateway, secret, { stream }, { traceparent: incoming, tracestate: 'vendor=1' });
    assert.equal(reply.status, 200);
    const sent = parseTraceparent(lastUpstreamHeaders().traceparent)!;
    assert.equal(sent.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.notEqual(sent.parentId, '00f067aa0ba902b7', 'the parent is the gateway span, not the caller span');
    assert.equal(lastUpstreamHeaders().tracestate, 'vendor=1');
    const returned = parseTraceparent(reply.headers.get('traceparent') ?? undefined)!;
    assert.deepEqual([returned.traceId, returned.parentId], [sent.traceId, sent.parentId], 'the client is told the same gateway span');
  });
}

test('without (or with an invalid) traceparent the gateway starts a trace and logs its id', async () => {
  const reply = await chat(gateway, secret, {}, { traceparent: 'garbage', tracestate: 'vendor=1' });
  const sent = parseTraceparent(lastUpstreamHeaders().traceparent)!;
  assert.ok(sent, 'a valid traceparent went upstream');
  assert.notEqual(sent.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(lastUpstreamHeaders().tracestate, undefined, 'tracestate without a valid traceparent is dropped');
  await gateway.gateway.logs.writer.flush();
  const record = await gateway.gateway.store.getRequestLog(reply.headers.get('x-sluice-request-id')!);
  assert.equal(record?.trace_id, sent.traceId);
});

test('native passthrough replaces the client traceparent with the gateway span', async () => {
  const response = await fetch(`${gateway.url}/native/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, traceparent: incoming },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.arrayBuffer();
  const sent = parseTraceparent(lastUpstreamHeaders().traceparent)!;
  assert.equal(sent.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.notEqual(sent.parentId, '00f067aa0ba902b7');
});
