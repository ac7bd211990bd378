import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { admin, assertAdminError } from '../admin/admin-test-client.js';
import { validateConfig } from '../config/load-config.js';
import { adminToken, chat, createKey } from '../limits/limit-test-support.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';
import type { Store } from '../store/store.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';

type Key = { secret: string; keyId: string; teamId: string };

/** Two gateway instances over one store, as behind a load balancer; `flushMs` sets each one's log flush interval. */
function startInstance(upstreamUrl: string, store: Store, flushMs: number, authRequired = true): Promise<RunningGateway> {
  const config = validateConfig(
    {
      server: { host: '127.0.0.1', port: 0 },
      storage: 'memory',
      auth: { required: authRequired },
      admin: { token: adminToken },
      providers: { openai: { type: 'openai', base_url: `${upstreamUrl}/v1` } },
      request_log: { flush_interval_ms: flushMs },
    },
    'test config',
  );
  return startGateway(config, { logger: pino({ level: 'silent' }), store });
}

async function postFeedback(gateway: RunningGateway, secret: string | undefined, body: unknown): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const response = await fetch(`${gateway.url}/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: JSON.parse(text), text, headers: response.headers };
}

/** A chat request through `gateway`; returns its request id. */
async function requestId(gateway: RunningGateway, secret: string | undefined): Promise<string> {
  const reply = await chat(gateway, secret);
  assert.equal(reply.status, 200, reply.text);
  return reply.headers.get('x-sluice-request-id')!;
}

/** POST /v1/feedback end to end on a store backend (the feedback table, the log queue, ownership). */
export function describeFeedbackEndToEnd(name: string, openStore: () => Promise<Store>): void {
  describe(`feedback end to end: ${name}`, () => {
    let upstream: FakeUpstreamControls;
    let store: Store;
    /** Flushes its log only when asked (an hour's interval): its records stay queued. */
    let slow: RunningGateway;
    /** Shares the store and flushes every 300 ms, so it waits 600 ms for a record it cannot see. */
    let other: RunningGateway;
    let owner: Key;
    let teammate: Key;
    let stranger: Key;

    before(async () => {
      upstream = await startFakeOpenAIUpstream({ record: false });
      store = await openStore();
      slow = await startInstance(upstream.url, store, 3_600_000);
      other = await startInstance(upstream.url, store, 300);
      owner = await createKey(slow);
      const sameTeam = await slow.gateway.tenancy.createKey({ name: 'teammate', team_id: owner.teamId });
      teammate = { secret: sameTeam.secret, keyId: sameTeam.key.id, teamId: owner.teamId };
      stranger = await createKey(slow);
    });
    after(async () => {
      await slow.close();
      await other.close();
      await upstream.close();
      await store.close();
    });

    test('the key that made a request gives feedback before its log is flushed; the log shows it; the latest wins', async () => {
      const id = await requestId(slow, owner.secret);
      assert.equal(await store.getRequestLog(id), undefined, 'still queued');
      const first = await postFeedback(slow, owner.secret, { request_id: id, score: 1, comment: 'great', metadata: { user: 'u-1', n: 2 } });
      assert.equal(first.status, 200, first.text);
      assert.deepEqual({ ...first.json, at: undefined }, { object: 'feedback', request_id: id, key_id: owner.keyId, team_id: owner.teamId, score: 1, comment: 'great', metadata: { user: 'u-1', n: 2 }, at: undefined });
      const second = await postFeedback(slow, owner.secret, { request_id: id, score: 0.25 });
      assert.equal(second.status, 200, second.text);
      const log = await admin(slow, 'GET', `/logs/${id}`);
      assert.equal(log.status, 200, log.text);
      assert.equal(log.json.key_id, owner.keyId);
      assert.deepEqual({ ...log.json.feedback, at: undefined }, { request_id: id, key_id: owner.keyId, team_id: owner.teamId, score: 0.25, comment: null, metadata: {}, at: undefined });
      const unrated = await requestId(slow, owner.secret);
      assert.equal((await admin(slow, 'GET', `/logs/${unrated}`)).json.feedback, null);
    });

    test('another key of the team gets 403; a key of another team the same 404 as an unknown id', async () => {
      const id = await requestId(slow, owner.secret);
      const queuedReply = await postFeedback(slow, teammate.secret, { request_id: id, score: 1 });
      assert.equal(queuedReply.status, 403, `checked against the queued record: ${queuedReply.text}`);
      // From here on through the instance with the short wait: each 404 takes that wait.
      await slow.gateway.logs.writer.flush();
      const teammateReply = await postFeedback(other, teammate.secret, { request_id: id, score: 1 });
      assert.equal(teammateReply.status, 403, teammateReply.text);
      assert.equal(teammateReply.json.error.type, 'permission_error');
      assert.equal(teammateReply.json.error.code, 'feedback_not_allowed');
      const strangerReply = await postFeedback(other, stranger.secret, { request_id: id, score: 1 });
      const unknownReply = await postFeedback(other, stranger.secret, { request_id: 'no-such-request', score: 1 });
      assert.equal(strangerReply.status, 404);
      assert.deepEqual({ ...strangerReply.json.error, message: undefined }, { ...unknownReply.json.error, message: undefined });
      assert.deepEqual(strangerReply.json.error, { message: `No request ${id} to give feedback on.`, type: 'not_found_error', code: 'request_not_found', param: 'request_id' });
      assert.equal(await store.getRequestFeedback(id), undefined, 'nothing was stored');
    });

    test('another instance sharing the store waits for a record still queued elsewhere, then answers 404 when it never comes', async () => {
      const flushedSoon = await requestId(slow, owner.secret);
      setTimeout(() => void slow.gateway.logs.writer.flush(), 150);
      const accepted = await postFeedback(other, owner.secret, { request_id: flushedSoon, score: -1 });
      assert.equal(accepted.status, 200, accepted.text);
      assert.equal((await store.getRequestFeedback(flushedSoon))?.score, -1);
      const neverFlushed = await requestId(slow, owner.secret);
      const refused = await postFeedback(other, owner.secret, { request_id: neverFlushed, score: 1 });
      assert.equal(refused.status, 404, refused.text);
      // Once the record reaches the store, the same feedback is accepted.
      await slow.gateway.logs.writer.flush();
      assert.equal((await postFeedback(other, owner.secret, { request_id: neverFlushed, score: 1 })).status, 200);
    });

    test('a bad body is a 400 in OpenAI error shape; no key is a 401; only POST', async () => {
      const id = await requestId(slow, owner.secret);
      const cases: Array<[unknown, string | null, string]> = [
        ['{"request_id":', null, 'invalid_json'],
        ['', null, 'invalid_json'],
        [{ score: 1 }, 'request_id', 'invalid_value'],
        [{ request_id: id }, 'score', 'invalid_value'],
        [{ request_id: id, score: 2 }, 'score', 'invalid_value'],
        [{ request_id: id, score: -0.5 }, 'score', 'invalid_value'],
        [{ request_id: id, score: '1' }, 'score', 'invalid_value'],
        [{ request_id: id, score: 1, comment: 5 }, 'comment', 'invalid_value'],
        [{ request_id: id, score: 1, metadata: { nested: { a: 1 } } }, 'metadata.nested', 'invalid_value'],
        [{ request_id: id, score: 1, metadata: [] }, 'metadata', 'invalid_value'],
        [{ request_id: id, score: 1, colour: 'red' }, null, 'invalid_value'],
        [[1], null, 'invalid_value'],
      ];
      for (const [body, param, code] of cases) {
        const reply = await postFeedback(slow, owner.secret, body);
        assert.equal(reply.status, 400, `${JSON.stringify(body)}: ${reply.text}`);
        assert.deepEqual(Object.keys(reply.json.error).sort(), ['code', 'message', 'param', 'type']);
        assert.equal(reply.json.error.type, 'invalid_request_error');
        assert.equal(reply.json.error.code, code, JSON.stringify(body));
        assert.equal(reply.json.error.param, param, JSON.stringify(body));
      }
      const tooBig = await postFeedback(slow, owner.secret, { request_id: id, score: 1, comment: 'x'.repeat(70_000) });
      assert.equal(tooBig.status, 413);
      const noKey = await postFeedback(slow, undefined, { request_id: id, score: 1 });
      assert.equal(noKey.status, 401);
      assert.equal(noKey.json.error.code, 'missing_api_key');
      const get = await fetch(`${slow.url}/v1/feedback`);
      assert.equal(get.status, 405);
      await get.arrayBuffer();
      assert.equal(await store.getRequestFeedback(id), undefined);
    });

    test('the logs API filters by feedback and analytics counts it', async () => {
      const liked = await requestId(slow, stranger.secret);
      const disliked = await requestId(slow, stranger.secret);
      const unrated = await requestId(slow, stranger.secret);
      assert.equal((await postFeedback(slow, stranger.secret, { request_id: liked, score: 1 })).status, 200);
      assert.equal((await postFeedback(slow, stranger.secret, { request_id: disliked, score: -1 })).status, 200);
      const ids = async (query: string) => (await admin(slow, 'GET', `/logs?key_id=${stranger.keyId}&${query}`)).json.data.map((record: { id: string }) => record.id);
      assert.deepEqual(await ids('has_feedback=true'), [disliked, liked]);
      assert.deepEqual(await ids('has_feedback=false'), [unrated]);
      assert.deepEqual(await ids('min_score=0.5'), [liked]);
      assertAdminError(await admin(slow, 'GET', '/logs?has_feedback=maybe'), 400, 'invalid_value', 'has_feedback');
      const analytics = await admin(slow, 'GET', `/analytics?interval=day&key_id=${stranger.keyId}`);
      assert.equal(analytics.status, 200, analytics.text);
      const [series] = analytics.json.series;
      const today = series.points.at(-1);
      assert.equal(today.requests, 3);
      assert.equal(today.feedback_count, 2);
      assert.equal(today.feedback_mean_score, 0);
      assert.equal(today.errors, 0);
      assert.equal(typeof today.latency_p50_ms, 'number');
      assert.deepEqual(series.points.slice(0, -1).map((point: { requests: number }) => point.requests), Array(30).fill(0), 'earlier days are empty');
    });

    test('with auth off anyone may give feedback, recorded without a key', async () => {
      const open = await startInstance(upstream.url, store, 300, false);
      try {
        const id = await requestId(open, undefined);
        const reply = await postFeedback(open, undefined, { request_id: id, score: 0.5, comment: 'ok' });
        assert.equal(reply.status, 200, reply.text);
        assert.equal(reply.json.key_id, null);
        assert.equal((await postFeedback(open, undefined, { request_id: 'no-such-request', score: 1 })).status, 404);
      } finally {
        await open.close();
      }
    });
  });
}
