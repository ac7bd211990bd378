import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, chatRequests, startCacheTestBed, type CacheTestBed } from './cache-test-support.js';

let bed: CacheTestBed;
const secrets: Record<string, string> = {};

before(async () => {
  bed = await startCacheTestBed({ auth: { required: true } });
  const { tenancy } = bed.gateway.gateway;
  for (const name of ['a', 'b']) {
    const team = await tenancy.createTeam({ name: `team-${name}` });
    secrets[name] = (await tenancy.createKey({ name: `key-${name}`, team_id: team.id })).secret;
    secrets[`${name}2`] = (await tenancy.createKey({ name: `key-${name}2`, team_id: team.id })).secret;
  }
});
after(() => bed.close());

const as = (name: string) => ({ authorization: `Bearer ${secrets[name]}` });
const question = { messages: [{ role: 'user', content: 'what is our secret plan' }] };

test("team B never gets team A's entry; keys of one team share theirs", async () => {
  const a = await chat(bed.gateway, question, as('a'));
  const calls = chatRequests(bed.upstream);
  const b = await chat(bed.gateway, question, as('b'));
  assert.equal(a.cacheStatus, 'MISS');
  assert.equal(b.cacheStatus, 'MISS');
  assert.notEqual(b.body.id, a.body.id);
  assert.equal(chatRequests(bed.upstream), calls + 1);
  const sameTeam = await chat(bed.gateway, question, as('a2'));
  assert.equal(sameTeam.cacheStatus, 'HIT');
  assert.equal(sameTeam.body.id, a.body.id);
  const bAgain = await chat(bed.gateway, question, as('b2'));
  assert.equal(bAgain.body.id, b.body.id);
});

test('no entry is served before authentication', async () => {
  const anonymous = await chat(bed.gateway, question);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.cacheStatus, null);
});
