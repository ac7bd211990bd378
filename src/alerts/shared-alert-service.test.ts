import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { validateConfig } from '../config/load-config.js';
import { LimitEvents, type BudgetAlertEvent } from '../limits/limit-events.js';
import { deleteRedisKeys, redisUrl, whenRedisReachable } from '../limits/redis-test-support.js';
import { BreakerEvents } from '../routing/breaker-transitions.js';
import { ManualClock } from '../routing/clock.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { AlertService } from './alert-service.js';
import { closedPortUrl, startAlertReceiver, type AlertReceiver } from './alert-test-receiver.js';
import { RedisAlertCoordinator } from './redis-alert-coordinator.js';

let store: Store;
let receiver: AlertReceiver;
const services: AlertService[] = [];

before(async () => {
  store = await openStore('memory');
  receiver = await startAlertReceiver();
});

after(async () => {
  for (const service of services) await service.close();
  await receiver.close();
  await store.close();
});

const rules = {
  breakers: { type: 'breaker_open', resolved: true, cooldown_ms: 600_000, webhook: 'hook' },
  spend: { type: 'budget', threshold: 0.8, cooldown_ms: 600_000, webhook: 'hook' },
};

/** One instance's alert service with its own event sources, coordinated through `redis` under `prefix`. */
async function instance(name: string, redis: string, prefix: string, clock: ManualClock) {
  const config = validateConfig({
    storage: 'memory',
    providers: { openai: { type: 'openai' } },
    routes: { chat: { targets: [{ model: 'openai/gpt-4o-mini' }] } },
    alerts: { instance_id: name, redis_prefix: prefix, webhooks: { hook: { url: `${receiver.url}/${prefix}`, backoff_ms: 0 } }, rules },
  });
  const coordinator = new RedisAlertCoordinator({ url: redis, prefix, instance: name, cooldownOf: (rule) => config.alerts.rules[rule].cooldown_ms, commandTimeoutMs: 500 });
  await coordinator.ready(2_000);
  const limitEvents = new LimitEvents();
  const breakers = new BreakerEvents();
  const service = new AlertService({
    config,
    store,
    logger: pino({ level: 'silent' }),
    clock,
    coordinator,
    sources: { limits: { events: limitEvents, watchBudgetThreshold: () => undefined }, breakers },
  });
  services.push(service);
  return { service, limitEvents, breakers };
}

const budgetCrossed: BudgetAlertEvent = {
  level: 'alert', scope: 'team', id: 'team-1', name: 'search', period: 'month', period_key: 'month:2026-11', budget_usd: 10, spend_usd: 8.2, threshold: 0.8,
};
const received = (prefix: string) => receiver.received.filter((entry) => entry.path === `/${prefix}`).map((entry) => entry.payload);

await whenRedisReachable('alert events shared through Redis', () => {
  describe('alert events of several instances', () => {
    const prefix = `sluice:test:alerts:${randomBytes(5).toString('hex')}:`;
    after(() => deleteRedisKeys(redisUrl, prefix));

    test('a breaker opening and a budget crossing seen by three instances notify once each; the close resolves once', async () => {
      const clock = new ManualClock();
      const instances = await Promise.all(['gw-1', 'gw-2', 'gw-3'].map((name) => instance(name, redisUrl, prefix, clock)));
      const opened = { target: 'openai/gpt-4o-mini', from: 'closed', to: 'open', consecutiveFailures: 5, at: 0 } as const;
      for (const { breakers, limitEvents } of instances) {
        breakers.emit('transition', opened);
        limitEvents.emit('budget_alert', budgetCrossed);
      }
      await receiver.waitFor(() => received(prefix).length >= 2);
      clock.advance(1_000);
      // The probe that closes it runs on another instance than the one that notified.
      const notifier = received(prefix).find((payload) => payload.rule === 'breakers')!.instance;
      const closer = instances.find((_, index) => `gw-${index + 1}` !== notifier)!;
      closer.breakers.emit('transition', { target: 'openai/gpt-4o-mini', from: 'half_open', to: 'closed', consecutiveFailures: 0, at: 0 });
      await receiver.waitFor(() => received(prefix).length >= 3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const payloads = received(prefix);
      assert.deepEqual(payloads.map((payload) => `${payload.rule} ${payload.status}`).sort(), ['breakers firing', 'breakers resolved', 'spend firing']);
      const [firing, resolved] = [payloads.find((payload) => payload.status === 'firing' && payload.rule === 'breakers')!, payloads.find((payload) => payload.status === 'resolved')!];
      assert.equal(resolved.fired_at, firing.fired_at);
      assert.notEqual(resolved.instance, firing.instance);
    });
  });
});

describe('alert events while Redis is unreachable', () => {
  test('each instance decides alone: the alert still goes out', async () => {
    const prefix = `sluice:test:alerts:down:${randomBytes(5).toString('hex')}:`;
    const down = (await closedPortUrl()).replace(/^http:/, 'redis:').replace(/\/hook$/, '');
    const { limitEvents } = await instance('gw-down', down, prefix, new ManualClock());
    limitEvents.emit('budget_alert', budgetCrossed);
    limitEvents.emit('budget_alert', budgetCrossed);
    await receiver.waitFor(() => received(prefix).length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(received(prefix).map((payload) => `${payload.rule} ${payload.status} ${payload.instance}`), ['spend firing gw-down'], 'this instance\'s cooldown still holds the repeat back');
  });
});
