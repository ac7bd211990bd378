import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { deleteRedisKeys, redisUrl, whenRedisReachable } from '../limits/redis-test-support.js';
import { LeaseLostError, RedisAlertCoordinator } from './redis-alert-coordinator.js';
import { describeSubjectStates } from './subject-states-contract.js';
import { LocalSubjectStates } from './subject-states.js';
import { readingOfBuckets } from './window-aggregate.js';

describeSubjectStates('local subject states', async (cooldowns) => new LocalSubjectStates((rule) => cooldowns[rule] ?? 0));

await whenRedisReachable('shared alert state in Redis', () => {
  const prefixes: string[] = [];
  const coordinators: RedisAlertCoordinator[] = [];
  after(async () => {
    for (const coordinator of coordinators) await coordinator.close();
    for (const prefix of prefixes) await deleteRedisKeys(redisUrl, prefix);
  });
  /** Coordinators of one deployment (one key prefix), as separate instances would have. */
  const deployment = (cooldowns: Record<string, number> = {}) => {
    const prefix = `sluice:test:alerts:${randomBytes(5).toString('hex')}:`;
    prefixes.push(prefix);
    return async (instance: string) => {
      const coordinator = new RedisAlertCoordinator({ url: redisUrl, prefix, instance, cooldownOf: (rule) => cooldowns[rule] ?? 0 });
      coordinators.push(coordinator);
      assert.ok(await coordinator.ready(5_000), 'connected to Redis');
      return coordinator;
    };
  };

  describeSubjectStates('Redis subject states', async (cooldowns) => deployment(cooldowns)('contract'));

  describe('Redis alert coordinator', () => {
    test('two instances seeing the same condition or event at once notify once', async () => {
      const instance = deployment({ rule: 60_000 });
      const [first, second] = await Promise.all([instance('gw-1'), instance('gw-2')]);
      for (let round = 0; round < 20; round += 1) {
        const now = 1_700_000_000_000 + round * 120_000;
        const looks = await Promise.all([first.observe('rule', `s${round}`, true, now), second.observe('rule', `s${round}`, true, now), first.observe('rule', `s${round}`, true, now + 1)]);
        assert.equal(looks.filter((look) => look.decision === 'fire').length, 1, `round ${round}`);
        const pulses = await Promise.all([first.pulse('rule', `p${round}`, now), second.pulse('rule', `p${round}`, now)]);
        assert.equal(pulses.filter(Boolean).length, 1, `round ${round}`);
      }
      // The breaker case: opened on one instance, closed by another's probe: resolved once, by the closer.
      assert.equal((await first.observe('rule', 'openai/gpt-4o', true, 5_000)).decision, 'fire');
      assert.equal((await second.observe('rule', 'openai/gpt-4o', true, 6_000)).decision, undefined, 're-opened elsewhere within the cooldown');
      assert.deepEqual(await second.observe('rule', 'openai/gpt-4o', false, 7_000), { decision: 'resolve', firedAtMs: 5_000 });
      assert.equal((await first.observe('rule', 'openai/gpt-4o', false, 7_001)).decision, undefined);
    });

    test('a lease has one holder; a released or expired lease passes on with a new fencing token', async () => {
      const instance = deployment({ rule: 0 });
      const [first, second] = await Promise.all([instance('gw-1'), instance('gw-2')]);
      const firstToken = await first.acquireLease('rule', 10_000);
      assert.match(firstToken ?? '', /^gw-1\/[0-9a-f]{8}#\d+$/);
      assert.equal(await second.acquireLease('rule', 10_000), undefined);
      assert.equal(await first.acquireLease('rule', 10_000), firstToken, 'the holder extends its own lease');
      await first.releaseLeases();
      const secondToken = await second.acquireLease('rule', 150);
      assert.ok(secondToken !== undefined && secondToken.startsWith('gw-2/'));
      assert.ok(Number(secondToken.split('#')[1]) > Number(firstToken!.split('#')[1]), 'the fence only grows');
      // A holder that lost its lease changes no state: its decision would duplicate the new holder's.
      await assert.rejects(first.observe('rule', 's', true, 1_000, firstToken), LeaseLostError);
      assert.equal((await second.observe('rule', 's', true, 1_000, secondToken)).decision, 'fire', 'the stale holder left nothing behind');
      // The second instance stops without releasing (a crash): the lease expires and the first takes over.
      assert.equal(await first.acquireLease('rule', 10_000), undefined);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const takenOver = await first.acquireLease('rule', 10_000);
      assert.ok(takenOver?.startsWith('gw-1/'));
      await assert.rejects(second.observe('rule', 's', false, 2_000, secondToken), LeaseLostError);
    });

    test('window counts of every instance add up; sharing the same counts again changes nothing', async () => {
      const instance = deployment();
      const [first, second] = await Promise.all([instance('gw-1'), instance('gw-2')]);
      const bucketMs = 3_000;
      const now = 1_700_000_000_000;
      const epoch = Math.floor(now / bucketMs);
      const shared = [{ subject: 'provider=openai', buckets: [{ epoch, requests: 10, errors: 4, latencyBins: [[40, 10]] as Array<[number, number]> }] }];
      await first.shareWindows('rule', bucketMs, shared);
      await first.shareWindows('rule', bucketMs, shared);
      await second.shareWindows('rule', bucketMs, [
        { subject: 'provider=openai', buckets: [{ epoch: epoch - 1, requests: 5, errors: 5, latencyBins: [[70, 5]] }] },
        { subject: 'provider=anthropic', buckets: [{ epoch, requests: 2, errors: 0, latencyBins: [] }] },
        // Older than the window ending now: not counted.
        { subject: 'provider=openai', buckets: [{ epoch: epoch - 20, requests: 100, errors: 100, latencyBins: [] }] },
      ]);
      const windows = await first.readWindows('rule', bucketMs, now);
      assert.deepEqual([...windows.keys()].sort(), ['provider=anthropic', 'provider=openai']);
      const openai = readingOfBuckets(windows.get('provider=openai')!, true);
      assert.equal(openai.requests, 15);
      assert.equal(openai.errors, 9);
      assert.ok(openai.p95Ms! > 500, `p95 ${openai.p95Ms}: the slower instance's tail counts`);
      assert.deepEqual(await first.readWindows('other-rule', bucketMs, now), new Map());
    });
  });
});
