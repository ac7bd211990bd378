import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chat } from '../cache-test-support.js';
import { startSemanticTestBed, type SemanticTestBed } from './semantic-test-support.js';

let bed: SemanticTestBed;
let writes = 0;
const secrets: Record<string, string> = {};
const semantic = { threshold: 0.9, embedding: 'vectors/test-embed' };

before(async () => {
  bed = await startSemanticTestBed({
    auth: { required: true },
    routes: {
      semantic: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 60, semantic } },
      per_key: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 60, semantic: { ...semantic, scope: 'key' } } },
    },
  });
  const { tenancy } = bed.gateway.gateway;
  for (const name of ['a', 'b']) {
    const team = await tenancy.createTeam({ name: `team-${name}` });
    secrets[name] = (await tenancy.createKey({ name: `key-${name}`, team_id: team.id })).secret;
    secrets[`${name}2`] = (await tenancy.createKey({ name: `key-${name}2`, team_id: team.id })).secret;
  }
});
after(() => bed.close());

const as = (name: string) => ({ authorization: `Bearer ${secrets[name]}` });
const ask = (text: string, model = 'semantic') => ({ model, messages: [{ role: 'user', content: text }] });

test("team B never gets team A's answer, even for the identical prompt; team A's other key does", async () => {
  const a = await chat(bed.gateway, ask('What is the capital of France?'), as('a'));
  assert.equal(a.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  // B's paraphrase would match A's entry (0.95): it must miss and reach the upstream.
  const b = await chat(bed.gateway, ask('France capital city?'), as('b'));
  assert.equal(b.cacheStatus, 'MISS');
  assert.equal(b.body.choices[0].message.content, 'echo: France capital city?');
  await bed.written((writes += 1));
  // B's identical prompt: not A's exact entry; B's own paraphrase entry may answer it, never A's.
  const identical = await chat(bed.gateway, ask('What is the capital of France?'), as('b2'));
  assert.notEqual(identical.body.id, a.body.id);
  assert.equal(identical.body.id, b.body.id);
  const sameTeam = await chat(bed.gateway, ask('Tell me the France capital city'), as('a2'));
  assert.equal(sameTeam.cacheStatus, 'HIT');
  assert.equal(sameTeam.body.id, a.body.id);
});

test('scope: key keeps entries to the key that stored them', async () => {
  const first = await chat(bed.gateway, ask('How do I boil an egg?', 'per_key'), as('a'));
  await bed.written((writes += 1));
  const otherKey = await chat(bed.gateway, ask('How do I cook an egg in water?', 'per_key'), as('a2'));
  assert.equal(otherKey.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  const sameKey = await chat(bed.gateway, ask('Can I cook an egg in water?', 'per_key'), as('a'));
  assert.equal(sameKey.cacheStatus, 'HIT');
  assert.equal(sameKey.body.id, first.body.id);
});
