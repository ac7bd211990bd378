import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { deleteRedisKeys, redisUrl, whenRedisReachable } from '../limits/redis-test-support.js';
import { databaseUrl, postgresUnreachableReason } from '../observability/postgres-test-support.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import type { AlertPayload } from './alert-payload.js';
import { startAlertReceiver, type AlertReceiver } from './alert-test-receiver.js';

/**
 * Two gateway instances of one deployment (same Redis, same PostgreSQL schema, same rules) behind
 * an imaginary load balancer: an alert must notify once for the whole deployment, on the
 * traffic of both instances, and go on being decided when the instance that decided stops.
 */
const unreachable = await postgresUnreachableReason();
if (unreachable !== undefined) {
  if (process.env.CI === 'true') test('shared alerts: PostgreSQL is reachable (required with CI=true)', () => assert.fail(unreachable));
  else test('shared alerts across two instances', { skip: unreachable }, () => undefined);
} else {
  await whenRedisReachable('shared alerts across two instances', () => {
    describe('alerts shared by two gateway instances (Redis + PostgreSQL)', () => {
      const id = randomBytes(5).toString('hex');
      const schema = `sluice_test_alerts_${id}`;
      const prefix = `sluice:test:${id}:`;
      let receiver: AlertReceiver;
      let upstream: FakeUpstreamControls;
      const gateways = new Map<string, RunningGateway>();

      const startInstance = async (instance: string) => {
        const config = validateConfig(
          {
            server: { host: '127.0.0.1', port: 0 },
            auth: { required: false },
            redis: redisUrl,
            storage: `${databaseUrl}?options=-c%20search_path%3D${schema}`,
            limits: { redis_prefix: `${prefix}limits:` },
            providers: { flaky: { type: 'openai', base_url: `${upstream.url}/v1` } },
            routes: { chat: { targets: [{ model: 'flaky/gpt-4o-mini' }], breaker: false, retry: { attempts: 1 } } },
            alerts: {
              instance_id: instance,
              evaluate_interval_ms: 100,
              redis_prefix: `${prefix}alerts:`,
              webhooks: { hook: { url: `${receiver.url}/hook`, backoff_ms: 20 } },
              rules: { 'chat-errors': { type: 'error_rate', route: 'chat', threshold: 0.5, window_ms: 60_000, min_requests: 8, resolved: true, webhook: 'hook' } },
            },
          },
          'shared alerts test config',
        );
        gateways.set(instance, await startGateway(config, { logger: pino({ level: 'silent' }) }));
      };

      before(async () => {
        const admin = new pg.Client({ connectionString: databaseUrl });
        await admin.connect();
        await admin.query(`CREATE SCHEMA "${schema}"`);
        await admin.end();
        receiver = await startAlertReceiver();
        upstream = await startFakeOpenAIUpstream({ record: false });
        await Promise.all([startInstance('gw-1'), startInstance('gw-2')]);
      });

      after(async () => {
        for (const gateway of gateways.values()) await gateway.close();
        await upstream.close();
        await receiver.close();
        await deleteRedisKeys(redisUrl, prefix);
        const admin = new pg.Client({ connectionString: databaseUrl });
        await admin.connect();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      });

      const chat = async (instance: string): Promise<number> => {
        const response = await fetch(`${gateways.get(instance)!.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hello' }] }),
        });
        await response.arrayBuffer();
        return response.status;
      };
      const received = (status: AlertPayload['status']) => receiver.received.map((entry) => entry.payload).filter((payload) => payload.status === status);
      const serverError = { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } };

      test('failures split over both instances, each under min_requests alone, notify once for the deployment', async () => {
        upstream.failNext(10, 500, serverError);
        for (let index = 0; index < 5; index += 1) {
          assert.equal(await chat('gw-1'), 502);
          assert.equal(await chat('gw-2'), 502);
        }
        await receiver.waitFor(() => received('firing').length >= 1);
        // Both instances go on evaluating every 100 ms: a second notification would arrive by now.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const firing = received('firing');
        assert.equal(firing.length, 1, `one notification, got ${JSON.stringify(firing)}`);
        const [alert] = firing;
        assert.ok(alert.requests! >= 8 && alert.requests! <= 10, `counted ${alert.requests}: both instances' requests`);
        assert.equal(alert.value, 1);
        assert.ok(['gw-1', 'gw-2'].includes(alert.instance));
        // One delivery recorded, in the PostgreSQL store both instances share.
        const deliveries = await gateways.get('gw-1')!.gateway.store.listAlertDeliveries({ limit: 10 });
        assert.deepEqual(
          deliveries.records.map((record) => [record.alert_id, record.status]),
          [[alert.id, 'delivered']],
        );
      });

      test('when the instance that decided stops, the other takes over and resolves once', async () => {
        const [decider] = received('firing').map((payload) => payload.instance);
        const survivor = decider === 'gw-1' ? 'gw-2' : 'gw-1';
        await gateways.get(decider)!.close();
        gateways.delete(decider);
        // 10 errors stay in the shared window (the stopped instance's counts included): 20
        // successes bring the share to a third, under the threshold.
        for (let index = 0; index < 20; index += 1) assert.equal(await chat(survivor), 200);
        await receiver.waitFor(() => received('resolved').length >= 1);
        await new Promise((resolve) => setTimeout(resolve, 500));
        const resolved = received('resolved');
        assert.equal(resolved.length, 1);
        assert.equal(resolved[0].instance, survivor);
        assert.equal(resolved[0].fingerprint, received('firing')[0].fingerprint);
        assert.equal(resolved[0].fired_at, received('firing')[0].fired_at, 'the episode is shared, so its first firing is known to the new decider');
        assert.ok(resolved[0].requests! >= 20, `counted ${resolved[0].requests}`);
        assert.equal(received('firing').length, 1);
      });
    });
  });
}
