import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { parseConfig } from '../config/load-config.js';
import { parseTraceparent } from '../observability/trace-context.js';
import { failAlways } from '../routing/routing-test-gateway.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { spanKind, startOtlpTestCollector, statusCode, type CollectedSpan, type OtlpTestCollector } from './otlp-test-collector.js';

let collector: OtlpTestCollector;
let openai: FakeUpstreamControls;
let slow: FakeUpstreamControls;
let down: FakeUpstreamControls;
let gateway: RunningGateway;
let secret: string;
let keyId: string;
let teamId: string;

const collectorToken = 'collector-token-7f3a9c';
const providerKey = 'sk-provider-secret-51d2';
const prompt = 'tell me about zebras q8z1x';
const chunkGapMs = 50;
/**
 * The SDK anchors each span's clock to Date.now() (whole milliseconds) when the span starts, so
 * two spans' timestamps may disagree by up to a millisecond or so.
 */
const clockSlackNs = 2_000_000n;

before(async () => {
  collector = await startOtlpTestCollector();
  openai = await startFakeOpenAIUpstream({ record: true });
  slow = await startFakeOpenAIUpstream({ record: true, chunkGapMs });
  down = await startFakeOpenAIUpstream({ record: true });
  failAlways(down, 503);
  // YAML through the real loader, so `${VAR}` in the collector's headers is exercised too.
  const yaml = `
server: { host: 127.0.0.1, port: 0 }
storage: memory
admin: { token: tracing-admin }
providers:
  openai: { type: openai, base_url: "${openai.url}/v1", api_key: ${providerKey} }
  slow: { type: openai, base_url: "${slow.url}/v1" }
  down: { type: openai, base_url: "${down.url}/v1" }
routes:
  fallback: { targets: [ { model: down/gpt-4o-mini }, { model: openai/gpt-4o-mini } ] }
  cached: { targets: [ { model: openai/gpt-4o-mini } ], cache: { ttl: 60 } }
tracing:
  enabled: true
  endpoint: ${collector.url}
  headers: { x-collector-token: "\${COLLECTOR_TOKEN}" }
  service_name: sluice-under-test
  batch_delay_ms: 20
`;
  const config = parseConfig(yaml, 'tracing test', { COLLECTOR_TOKEN: collectorToken });
  gateway = await startGateway(config, { logger: pino({ level: 'silent' }), environment: {} });
  const team = await gateway.gateway.tenancy.createTeam({ name: 'tracing-team' });
  const key = await gateway.gateway.tenancy.createKey({ name: 'tracing-key', team_id: team.id });
  secret = key.secret;
  keyId = key.key.id;
  teamId = team.id;
});

after(async () => {
  await gateway.close();
  for (const upstream of [openai, slow, down]) await upstream.close();
  await collector.close();
});

function post(path: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}`, ...headers },
    body: JSON.stringify(body),
  });
}

const chatBody = (model: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: 'user', content: prompt }], ...extra });
const flush = () => gateway.gateway.tracing!.flush();

/** The request's spans, once its server span (the last to end) arrived. */
async function spansOfRequest(requestId: string): Promise<{ server: CollectedSpan; trace: CollectedSpan[] }> {
  const find = (spans: CollectedSpan[]) => spans.find((span) => span.kind === spanKind.server && span.attributes['sluice.request_id'] === requestId);
  await collector.waitFor((spans) => find(spans) !== undefined, flush);
  const server = find(collector.spans)!;
  return { server, trace: collector.spans.filter((span) => span.traceId === server.traceId) };
}

/** The stage spans below the server span, outermost first: each is the parent of the next. */
function stageChain(server: CollectedSpan, trace: CollectedSpan[]): CollectedSpan[] {
  const chain: CollectedSpan[] = [];
  let parent = server;
  for (;;) {
    const children = trace.filter((span) => span.parentSpanId === parent.spanId && span.attributes['sluice.stage'] !== undefined);
    if (children.length === 0) return chain;
    assert.equal(children.length, 1, `one stage span under ${parent.name}`);
    chain.push(children[0]);
    parent = children[0];
  }
}

const attemptsOf = (trace: CollectedSpan[]) => trace.filter((span) => span.kind === spanKind.client).sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
const traceparentSentTo = (upstream: FakeUpstreamControls, index = -1) => parseTraceparent(upstream.requests.at(index)!.headers.traceparent)!;

test('a chat request: a server span continuing the caller trace, one span per stage, a client span per attempt', async () => {
  const callerTraceId = '0af7651916cd43dd8448eb211c80319c';
  const callerSpanId = 'b7ad6b7169203331';
  const response = await post('/v1/chat/completions', chatBody('openai/gpt-4o-mini', { max_tokens: 64, temperature: 0.3 }), {
    traceparent: `00-${callerTraceId}-${callerSpanId}-01`,
    'user-agent': 'tracing-test/1.0',
  });
  const reply = (await response.json()) as any;
  assert.equal(response.status, 200);
  const { server, trace } = await spansOfRequest(response.headers.get('x-sluice-request-id')!);

  assert.equal(server.traceId, callerTraceId);
  assert.equal(server.parentSpanId, callerSpanId);
  assert.equal(server.name, 'POST /v1/chat/completions');
  assert.equal(server.resource['service.name'], 'sluice-under-test');
  const returned = parseTraceparent(response.headers.get('traceparent') ?? undefined)!;
  assert.deepEqual([returned.traceId, returned.parentId], [callerTraceId, server.spanId], 'the client is told the server span');

  const chain = stageChain(server, trace);
  assert.deepEqual([chain[0].name, chain[1].name, chain.at(-1)!.name], ['logRequest', 'respond', 'callChatUpstream']);
  for (const name of ['authenticate', 'readBody', 'parseChatRequest', 'enforceLimits', 'resolveTarget']) {
    assert.ok(chain.some((span) => span.name === name), `a ${name} stage span`);
  }
  const stageSpans = trace.filter((span) => span.attributes['sluice.stage'] !== undefined);
  assert.equal(stageSpans.length, chain.length, 'every stage span is in the chain');
  for (const span of chain) assert.equal(span.kind, spanKind.internal);

  const attempts = attemptsOf(trace);
  assert.equal(attempts.length, 1);
  const [attempt] = attempts;
  assert.equal(attempt.parentSpanId, chain.at(-1)!.spanId, 'the attempt is a child of the upstream stage');
  assert.equal(attempt.name, 'chat gpt-4o-mini');
  const sent = traceparentSentTo(openai);
  assert.deepEqual([sent.traceId, sent.parentId], [callerTraceId, attempt.spanId], 'the upstream is told the attempt span is its parent');

  // GenAI conventions: the request as asked, the answer as the provider reported it.
  const usage = reply.usage;
  const expectedOnBoth = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.system': 'openai',
    'gen_ai.request.max_tokens': 64,
    'gen_ai.request.temperature': 0.3,
    'gen_ai.response.id': reply.id,
    'gen_ai.response.model': reply.model,
    'gen_ai.response.finish_reasons': [reply.choices[0].finish_reason],
    'gen_ai.usage.input_tokens': usage.prompt_tokens,
    'gen_ai.usage.output_tokens': usage.completion_tokens,
  };
  for (const [name, value] of Object.entries(expectedOnBoth)) {
    assert.deepEqual(server.attributes[name], value, `server ${name}`);
    assert.deepEqual(attempt.attributes[name], value, `attempt ${name}`);
  }
  assert.equal(server.attributes['gen_ai.request.model'], 'openai/gpt-4o-mini', 'the model as the client named it');
  assert.equal(attempt.attributes['gen_ai.request.model'], 'gpt-4o-mini', 'the model as the upstream got it');
  assert.equal(attempt.attributes['server.address'], '127.0.0.1');
  assert.equal(attempt.attributes['server.port'], Number(new URL(openai.url).port));
  assert.equal(attempt.attributes['http.response.status_code'], 200);
  assert.equal(attempt.attributes['sluice.attempt.number'], 1);
  assert.equal(attempt.attributes['sluice.attempt.target'], 'openai/gpt-4o-mini');
  assert.equal(attempt.status.code, statusCode.unset);

  assert.equal(server.attributes['http.request.method'], 'POST');
  assert.equal(server.attributes['http.response.status_code'], 200);
  assert.equal(server.attributes['user_agent.original'], 'tracing-test/1.0');
  assert.equal(server.attributes['sluice.key_id'], keyId);
  assert.equal(server.attributes['sluice.team_id'], teamId);
  assert.equal(server.attributes['sluice.attempts'], 1);
  assert.equal(server.attributes['sluice.target'], 'openai/gpt-4o-mini');

  // Nothing the caller wrote or the model answered, and no credential, is in any span.
  const exported = JSON.stringify(trace, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
  for (const secretText of [prompt, 'zebras', secret, providerKey, collectorToken]) assert.ok(!exported.includes(secretText), `no "${secretText}" in the spans`);
  assert.equal(collector.exports[0]['x-collector-token'], collectorToken, 'the configured header (from ${VAR}) reaches the collector');
});

test('a streamed chat: token counts and finish reasons on the spans, which last until the stream ends', async () => {
  const response = await post('/v1/chat/completions', chatBody('slow/gpt-4o-mini', { stream: true, stream_options: { include_usage: true } }));
  assert.equal(response.status, 200);
  const text = await response.text();
  const chunks = text.split('\n').filter((line) => line.startsWith('data: {')).map((line) => JSON.parse(line.slice(6)));
  const usage = chunks.find((chunk) => chunk.usage)?.usage;
  assert.ok(usage, 'the client got a usage chunk');
  const finishReason = chunks.map((chunk) => chunk.choices?.[0]?.finish_reason).find(Boolean);

  const { server, trace } = await spansOfRequest(response.headers.get('x-sluice-request-id')!);
  const [attempt] = attemptsOf(trace);
  assert.ok(attempt, 'an attempt span');
  for (const span of [server, attempt]) {
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], usage.prompt_tokens);
    assert.equal(span.attributes['gen_ai.usage.output_tokens'], usage.completion_tokens);
    assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], [finishReason]);
    assert.equal(span.attributes['gen_ai.response.id'], chunks[0].id);
    assert.equal(span.attributes['gen_ai.request.stream'], true);
  }
  // The upstream stage returns once the upstream accepted; the attempt and the request go on
  // until the last chunk, which came several chunk gaps later.
  const upstreamStage = trace.find((span) => span.name === 'callChatUpstream')!;
  const gaps = chunks.length - 1;
  assert.ok(gaps >= 3);
  assert.ok(attempt.endNs - attempt.startNs >= BigInt(gaps * chunkGapMs * 0.8 * 1e6), 'the attempt span covers the whole stream');
  assert.ok(attempt.endNs > upstreamStage.endNs);
  assert.ok(server.endNs + clockSlackNs >= attempt.endNs, 'the request span ends after the stream');
  const sent = traceparentSentTo(slow);
  assert.equal(sent.parentId, attempt.spanId);
});

test('a fallback request has two attempt spans, the first errored; a retry is numbered', async () => {
  const response = await post('/v1/chat/completions', chatBody('fallback'));
  assert.equal(response.status, 200);
  const { server, trace } = await spansOfRequest(response.headers.get('x-sluice-request-id')!);
  const attempts = attemptsOf(trace);
  assert.deepEqual(attempts.map((span) => span.attributes['sluice.attempt.target']), ['down/gpt-4o-mini', 'openai/gpt-4o-mini']);
  const [failed, succeeded] = attempts;
  assert.equal(failed.status.code, statusCode.error);
  assert.equal(failed.attributes['http.response.status_code'], 503);
  assert.equal(typeof failed.attributes['error.type'], 'string');
  assert.equal(succeeded.status.code, statusCode.unset);
  assert.equal(succeeded.attributes['error.type'], undefined);
  assert.equal(failed.parentSpanId, succeeded.parentSpanId, 'both under the upstream stage');
  assert.ok(failed.endNs <= succeeded.startNs + clockSlackNs, 'the fallback starts after the failure');
  assert.equal(traceparentSentTo(down).parentId, failed.spanId);
  assert.equal(traceparentSentTo(openai).parentId, succeeded.spanId);
  assert.equal(server.attributes['sluice.attempts'], 2);
  assert.equal(server.attributes['sluice.route'], 'fallback');
  assert.equal(server.status.code, statusCode.unset);

  const retried = await post('/v1/chat/completions', chatBody('fallback'), { 'x-sluice-max-attempts': '2', 'x-sluice-retry-delay': '1' });
  assert.equal(retried.status, 200);
  const retriedSpans = await spansOfRequest(retried.headers.get('x-sluice-request-id')!);
  const numbered = attemptsOf(retriedSpans.trace).map((span) => [span.attributes['sluice.attempt.target'], span.attributes['sluice.attempt.number'], span.attributes['http.request.resend_count']]);
  assert.deepEqual(numbered, [
    ['down/gpt-4o-mini', 1, undefined],
    ['down/gpt-4o-mini', 2, 1],
    ['openai/gpt-4o-mini', 1, undefined],
  ]);
});

test('an upstream error: the request span is an error with the error code; no attempt span is left open', async () => {
  const response = await post('/v1/chat/completions', chatBody('down/gpt-4o-mini'));
  assert.equal(response.status, 502);
  const { server, trace } = await spansOfRequest(response.headers.get('x-sluice-request-id')!);
  assert.equal(server.status.code, statusCode.error);
  assert.equal(server.attributes['http.response.status_code'], 502);
  assert.equal(typeof server.attributes['error.type'], 'string');
  const [attempt] = attemptsOf(trace);
  assert.equal(attempt.status.code, statusCode.error);
  const failedStage = trace.filter((span) => span.status.code === statusCode.error && span.attributes['sluice.stage'] !== undefined);
  assert.deepEqual(failedStage.map((span) => span.name), ['callChatUpstream'], 'only the stage the error came from is marked');
});

test('a cache hit: the request span says HIT and has no attempt span', async () => {
  const first = await post('/v1/chat/completions', chatBody('cached'));
  assert.equal(first.headers.get('x-sluice-cache-status'), 'MISS');
  await first.arrayBuffer();
  const second = await post('/v1/chat/completions', chatBody('cached'));
  const reply = (await second.json()) as any;
  assert.equal(second.headers.get('x-sluice-cache-status'), 'HIT');
  const { server, trace } = await spansOfRequest(second.headers.get('x-sluice-request-id')!);
  assert.equal(server.attributes['sluice.cache_status'], 'HIT');
  assert.equal(attemptsOf(trace).length, 0);
  assert.equal(server.attributes['gen_ai.usage.input_tokens'], reply.usage.prompt_tokens);
});

test('embeddings: operation and input tokens', async () => {
  const response = await post('/v1/embeddings', { model: 'openai/text-embedding-3-small', input: 'one two three' });
  const reply = (await response.json()) as any;
  assert.equal(response.status, 200);
  const { server, trace } = await spansOfRequest(response.headers.get('x-sluice-request-id')!);
  const [attempt] = attemptsOf(trace);
  for (const span of [server, attempt]) {
    assert.equal(span.attributes['gen_ai.operation.name'], 'embeddings');
    assert.equal(span.attributes['gen_ai.usage.input_tokens'], reply.usage.prompt_tokens);
  }
  assert.equal(attempt.name, 'embeddings text-embedding-3-small');
});

test('a caller that does not sample: no spans are exported and the upstream is told so', async () => {
  const callerTraceId = '5b8efff798038103d269b633813fc60c';
  const response = await post('/v1/chat/completions', chatBody('openai/gpt-4o-mini'), { traceparent: `00-${callerTraceId}-eee19b7ec3c1b174-00` });
  assert.equal(response.status, 200);
  await response.arrayBuffer();
  const sent = traceparentSentTo(openai);
  assert.equal(sent.traceId, callerTraceId);
  assert.equal(sent.flags, '00');
  // A later sampled request's spans arriving proves the export pipeline ran past this one.
  const later = await post('/v1/chat/completions', chatBody('openai/gpt-4o-mini'));
  await later.arrayBuffer();
  await spansOfRequest(later.headers.get('x-sluice-request-id')!);
  assert.equal(collector.spans.filter((span) => span.traceId === callerTraceId).length, 0);
});

test('native passthrough: a request span named by provider, no query string, the upstream under it', async () => {
  const response = await fetch(`${gateway.url}/native/openai/chat/completions?key=query-secret-44`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(response.status, 200);
  await response.arrayBuffer();
  const { server, trace } = await spansOfRequest(response.headers.get('x-sluice-request-id')!);
  assert.equal(server.name, 'POST /native/openai/*');
  assert.equal(server.attributes['url.path'], '/native/openai/chat/completions');
  assert.ok(!JSON.stringify(server.attributes).includes('query-secret-44'));
  assert.ok(trace.some((span) => span.name === 'forwardNative'));
  assert.equal(traceparentSentTo(openai).parentId, server.spanId);
});
