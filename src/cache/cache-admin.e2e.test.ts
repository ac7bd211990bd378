import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, startCacheTestBed, type CacheTestBed } from './cache-test-support.js';

let bed: CacheTestBed;
before(async () => {
  bed = await startCacheTestBed({ admin: { token: 'cache-admin-token' } });
});
after(() => bed.close());

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${bed.gateway.url}/admin/api/v1${path}`, {
    method,
    headers: { authorization: 'Bearer cache-admin-token', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** The status the second of two identical requests gets: HIT while the entry is there. */
async function statusAfterFill(model: string, fill: boolean): Promise<string | null> {
  if (fill) await chat(bed.gateway, { model, messages: [{ role: 'user', content: `purge ${model}` }] });
  return (await chat(bed.gateway, { model, messages: [{ role: 'user', content: `purge ${model}` }] })).cacheStatus;
}

test('purge by route removes that route only; purge all removes everything', async () => {
  const ttl = { 'x-sluice-cache-ttl': '60' };
  assert.equal(await statusAfterFill('cached', true), 'HIT');
  await chat(bed.gateway, { model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'direct' }] }, ttl);
  const purged = await admin('POST', '/cache/purge', { route: 'cached' });
  assert.deepEqual(purged, { status: 200, json: { purged: 1 } });
  assert.equal(await statusAfterFill('cached', false), 'MISS');
  assert.equal((await chat(bed.gateway, { model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'direct' }] }, ttl)).cacheStatus, 'HIT');
  const all = await admin('POST', '/cache/purge', { all: true });
  assert.equal(all.json.purged, 2);
  assert.equal((await chat(bed.gateway, { model: 'fake/gpt-4o-mini', messages: [{ role: 'user', content: 'direct' }] }, ttl)).cacheStatus, 'MISS');
});

test('purge needs exactly one target; stats report the hit ratio', async () => {
  assert.equal((await admin('POST', '/cache/purge', {})).status, 400);
  assert.equal((await admin('POST', '/cache/purge', { all: true, route: 'cached' })).status, 400);
  assert.equal((await admin('POST', '/cache/purge', { key: 'not-a-key' })).status, 400);
  const stats = await admin('GET', '/cache/stats');
  assert.equal(stats.status, 200);
  assert.equal(stats.json.backend, 'memory');
  assert.ok(stats.json.hits >= 2 && stats.json.misses >= 2);
  assert.equal(stats.json.hit_ratio, stats.json.hits / (stats.json.hits + stats.json.misses));
});
