import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import pg from 'pg';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { eventually } from '../limits/limit-test-support.js';
import { startGateway, type RunningGateway } from '../server/start-gateway.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { parsePrometheusText } from './prometheus-text.js';
import { databaseUrl, postgresUnreachableReason } from './postgres-test-support.js';

/**
 * A real PostgreSQL log store failing under a running gateway: its connections killed, then its
 * table gone for a while. Requests must not fail or wait; records wait in the queue and reach the
 * store once it is back; past the queue's bound they are dropped and counted in /metrics.
 * Skipped without a server, except with CI=true (as src/store/postgres/postgres-store.test.ts).
 */
const url = databaseUrl;
const schema = `sluice_test_outage_${randomBytes(4).toString('hex')}`;
const applicationName = `sluice-outage-${randomBytes(4).toString('hex')}`;

const unreachable = await postgresUnreachableReason();
if (unreachable !== undefined && process.env.CI !== 'true') {
  test('request log store outage on PostgreSQL', { skip: unreachable }, () => {});
} else if (unreachable !== undefined) {
  test('PostgreSQL is reachable (required with CI=true)', () => assert.fail(unreachable));
} else {
  let upstream: FakeUpstreamControls;
  let admin: pg.Client;
  before(async () => {
    upstream = await startFakeOpenAIUpstream({ record: false });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  after(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    await upstream.close();
  });

  async function start(queueSize: number): Promise<{ gateway: RunningGateway; store: PostgresStore }> {
    // The application name singles out this gateway's connections among other tests' on the server.
    const separator = url.includes('?') ? '&' : '?';
    const store = new PostgresStore(`${url}${separator}application_name=${applicationName}`, { schema });
    await store.migrate();
    const config = validateConfig(
      {
        server: { host: '127.0.0.1', port: 0 },
        storage: 'memory',
        auth: { required: false },
        providers: { openai: { type: 'openai', base_url: `${upstream.url}/v1` } },
        request_log: { queue_size: queueSize, flush_interval_ms: 20, batch_size: 5 },
      },
      'test config',
    );
    const gateway = await startGateway(config, { logger: pino({ level: 'silent' }), environment: {}, store });
    return { gateway, store };
  }

  async function send(gateway: RunningGateway, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `request ${index}` }] }),
      });
      assert.equal(response.status, 200, 'a request never fails because of the log store');
      await response.arrayBuffer();
      // Generous on a loaded machine, yet far below a store timeout: nothing waits on the store.
      assert.ok(performance.now() - started < 5_000, 'a request never waits for the log store');
      ids.push(response.headers.get('x-sluice-request-id')!);
    }
    return ids;
  }

  const killConnections = () =>
    admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()', [applicationName]);

  test('killed connections and a missing table: requests succeed, records wait and arrive when the store is back', async () => {
    const { gateway, store } = await start(1_000);
    try {
      await send(gateway, 3);
      await eventually(() => gateway.gateway.logs.writer.written === 3, 5_000);
      const killed = await killConnections();
      assert.ok(killed.rowCount! > 0, 'the gateway had connections to kill');
      await admin.query(`ALTER TABLE "${schema}".request_logs RENAME TO request_logs_away`);
      const during = await send(gateway, 20);
      const { writer } = gateway.gateway.logs;
      await eventually(() => writer.failedBatches > 0, 5_000);
      assert.equal(writer.dropped, 0, 'the queue holds them meanwhile');
      await admin.query(`ALTER TABLE "${schema}".request_logs_away RENAME TO request_logs`);
      await eventually(() => writer.written === 23, 10_000);
      for (const id of during) assert.ok(await store.getRequestLog(id), `record ${id} reached the store after the outage`);
    } finally {
      await gateway.close();
      await store.close();
    }
  });

  test('an outage longer than the queue: drops are counted and exposed on /metrics', async () => {
    const { gateway, store } = await start(5);
    try {
      await admin.query(`ALTER TABLE "${schema}".request_logs RENAME TO request_logs_away`);
      await send(gateway, 25);
      const { writer } = gateway.gateway.logs;
      await eventually(() => writer.failedBatches > 0 && writer.dropped >= 20, 5_000);
      assert.ok(writer.depth <= 5, 'the queue stays within its bound');
      const metrics = parsePrometheusText(await (await fetch(`${gateway.url}/metrics`)).text());
      const value = (name: string) => metrics.samples.find((sample) => sample.name === name)?.value;
      assert.equal(value('sluice_log_records_dropped_total'), writer.dropped);
      assert.ok(value('sluice_log_batches_failed_total')! > 0);
      assert.ok(value('sluice_log_queue_depth')! <= 5, 'the queue depth gauge is exposed and bounded');
      await admin.query(`ALTER TABLE "${schema}".request_logs_away RENAME TO request_logs`);
      // Every record ends written or counted as dropped (a batch in flight is in neither yet).
      await eventually(() => writer.depth === 0 && writer.written + writer.dropped === 25, 10_000);
    } finally {
      await gateway.close();
      await store.close();
    }
  });
}
