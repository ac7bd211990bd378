import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import pino from 'pino';
import { validateConfig } from '../../config/load-config.js';
import type { GatewayEmbedderDependencies } from './gateway-embedder.js';
import { SemanticCache } from './semantic-cache.js';
import type { CachedAnswer } from '../cache-backend.js';
import { chat, chatRequests } from '../cache-test-support.js';
import { PostgresStore } from '../../store/postgres/postgres-store.js';
import { databaseUrl, postgresUnreachableReason } from '../../observability/postgres-test-support.js';
import { PostgresVectorStore } from './postgres-vector-store.js';
import { startSemanticTestBed, type SemanticTestBed } from './semantic-test-support.js';
import { toUnitVector } from './unit-vector.js';

/**
 * Runs against DATABASE_URL in a schema of its own (random name, dropped at the end). Without a
 * server: skipped with the reason, except with CI=true, where a missing database fails the build.
 */
const url = databaseUrl;
const schema = `sluice_semantic_${randomBytes(4).toString('hex')}`;
/** The store's URL with its schema, as an operator would write `storage:`. */
const storageUrl = `${url}${url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

const answer = (content: string): CachedAnswer => ({
  completion: { id: content, object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] },
  costUsd: 0.002,
  provider: 'p',
  model: 'p/m',
  storedAtMs: 1,
});
const unit = (...values: number[]) => toUnitVector(values);

const unreachable = await postgresUnreachableReason();
if (unreachable !== undefined && process.env.CI !== 'true') {
  console.log(`skipping PostgreSQL semantic cache tests: ${unreachable}`);
  test('PostgreSQL semantic cache', { skip: unreachable }, () => {});
} else if (unreachable !== undefined) {
  test('PostgreSQL is reachable (required with CI=true)', () => assert.fail(unreachable));
} else {
  // Migration 8 creates the table, as at any gateway start with this storage.
  const store = new PostgresStore(url, { schema });
  await store.migrate();
  await store.close();
  const beds: SemanticTestBed[] = [];
  after(async () => {
    for (const bed of beds) await bed.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  test('the PostgreSQL store finds the closest live entry of a bucket and keeps its max entries', async () => {
    let now = Date.now();
    const vectors = await PostgresVectorStore.connect(storageUrl, 5000, () => now);
    try {
      await vectors.add('b1', { vector: unit(1, 0, 0), answer: answer('x'), ttlSeconds: 30, maxEntries: 2 });
      await vectors.add('b1', { vector: unit(1, 1, 0), answer: answer('diagonal'), ttlSeconds: 30, maxEntries: 2 });
      const match = await vectors.search('b1', unit(1, 0.1, 0), 0.9);
      assert.equal(match?.answer.completion.id, 'x');
      assert.ok(Math.abs(match!.similarity - 0.99503719) < 1e-4, String(match!.similarity));
      assert.equal((await vectors.search('b1', unit(0, 1, 0), 0.7))?.answer.completion.id, 'diagonal');
      assert.equal(await vectors.search('b1', unit(0, 0, 1), 0.5), undefined);
      assert.equal(await vectors.search('b2', unit(1, 0, 0), 0.5), undefined);
      // Another dimension count never matches (another embedding model's vectors).
      assert.equal(await vectors.search('b1', unit(1, 0, 0, 0), 0.1), undefined);
      // x was used last: a third entry pushes the diagonal out of the 2-entry bucket.
      now += 1;
      await vectors.search('b1', unit(1, 0, 0), 0.9);
      now += 1;
      await new Promise((resolve) => setTimeout(resolve, 50)); // the recency update is not awaited by search
      await vectors.add('b1', { vector: unit(0, 0, 1), answer: answer('z'), ttlSeconds: 30, maxEntries: 2 });
      const { rows } = await vectors.pool.query<{ count: string }>("SELECT count(*) FROM semantic_cache_entries WHERE bucket = 'b1'");
      assert.equal(rows[0].count, '2');
      assert.equal(await vectors.search('b1', unit(1, 1, 0), 0.99), undefined);
      assert.equal((await vectors.search('b1', unit(0, 0, 1), 0.9))?.answer.completion.id, 'z');
      now += 30_001;
      assert.equal(await vectors.search('b1', unit(1, 0, 0), 0.5), undefined);
      await vectors.add('b1_x', { vector: unit(1, 0, 0), answer: answer('x'), ttlSeconds: 30, maxEntries: 2 });
      // starts_with, not LIKE: "_" in a prefix is no wildcard.
      assert.equal(await vectors.purge('b_'), 0);
      assert.equal(await vectors.purge('b1'), 3);
    } finally {
      await vectors.close();
    }
  });

  test('two gateway instances share semantic entries through PostgreSQL; tenants stay apart', async () => {
    const extra = { storage: storageUrl, auth: { required: true }, cache: { semantic: { backend: 'postgres' } } };
    const one = await startSemanticTestBed(extra);
    const two = await startSemanticTestBed(extra);
    beds.push(one, two);
    const { tenancy } = one.gateway.gateway;
    const teamA = await tenancy.createTeam({ name: `a-${schema}` });
    const teamB = await tenancy.createTeam({ name: `b-${schema}` });
    const keyA = (await tenancy.createKey({ name: 'a', team_id: teamA.id })).secret;
    const keyB = (await tenancy.createKey({ name: 'b', team_id: teamB.id })).secret;
    const as = (secret: string) => ({ authorization: `Bearer ${secret}` });
    const miss = await chat(one.gateway, { model: 'semantic', messages: [{ role: 'user', content: 'What is the capital of France?' }] }, as(keyA));
    assert.equal(miss.cacheStatus, 'MISS');
    await one.written(1);
    const otherTeam = await chat(two.gateway, { model: 'semantic', messages: [{ role: 'user', content: 'What is the capital of France?' }] }, as(keyB));
    assert.equal(otherTeam.cacheStatus, 'MISS');
    assert.notEqual(otherTeam.body.id, miss.body.id);
    const calls = chatRequests(two.chatUpstream);
    const hit = await chat(two.gateway, { model: 'semantic', messages: [{ role: 'user', content: 'France capital city?' }] }, as(keyA));
    assert.equal(hit.cacheStatus, 'HIT');
    assert.equal(hit.body.id, miss.body.id);
    assert.equal(chatRequests(two.chatUpstream), calls);
  });
}

test('PostgreSQL down: a semantic look-up is a miss and a write is dropped, never an error', async () => {
  // Port 1 on loopback: nothing listens, so connections are refused at once.
  const config = validateConfig({
    storage: 'postgres://postgres@127.0.0.1:1/none',
    cache: { semantic: { backend: 'postgres', timeout_ms: 2000 } },
    routes: { chat: { targets: [{ model: 'openai/gpt-4o-mini' }], cache: { ttl: 60, semantic: { threshold: 0.9, embedding: 'local' } } } },
    providers: { openai: { type: 'openai', api_key: 'sk-test' } },
  });
  const cache = new SemanticCache(config, {} as GatewayEmbedderDependencies, pino({ level: 'silent' }));
  try {
    assert.equal(await cache.search('b', unit(1, 0), 0.5), undefined);
    await cache.add('b', { vector: unit(1, 0), answer: answer('x'), ttlSeconds: 60, maxEntries: 10 });
    assert.equal(cache.counts.FAILED, 2);
  } finally {
    await cache.close();
  }
});
