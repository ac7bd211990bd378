import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { failAlways, startRoutingFixture, type RoutingFixture } from './routing-test-gateway.js';

/** A caller's own provider key must never reach another vendor through a fallback. */
let fixture: RoutingFixture;
let secret: string;

before(async () => {
  fixture = await startRoutingFixture(['vendor', 'other'], { mine: { byok: true, targets: [{ model: 'vendor/m' }, { model: 'other/m' }] } }, { auth: { required: true } });
  const { tenancy } = fixture.gateway.gateway;
  const team = await tenancy.createTeam({ name: 'byok' });
  secret = (await tenancy.createKey({ name: 'byok', team_id: team.id })).secret;
  failAlways(fixture.upstreams.vendor);
});

after(() => fixture.close());

test('with the caller\'s own key, a failing target does not fall back to another provider', async () => {
  const reply = await fixture.chat('mine', { 'x-sluice-key': secret, authorization: 'Bearer sk-callers-own-vendor-key' });
  assert.equal(reply.status, 502);
  assert.equal(fixture.upstreams.vendor.requests.at(-1)!.headers.authorization, 'Bearer sk-callers-own-vendor-key');
  assert.equal(fixture.upstreams.other.requests.length, 0, 'the caller key never went to the other provider');
});

test('with the gateway\'s own credentials the same route falls back', async () => {
  const reply = await fixture.chat('mine', { authorization: `Bearer ${secret}` });
  assert.equal(reply.status, 200, reply.text);
  assert.equal(reply.headers.get('x-sluice-provider'), 'other');
});
