import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isModelAllowed, matchesAllowList } from './model-allow-list.js';
import { CredentialCipher, MissingMasterKeyError } from './credential-cipher.js';
import { FailedAuthLimiter } from './failed-auth-limiter.js';
import { generateGatewayKey, hashSecret, secretMatchesHash, visiblePrefix } from './secret-keys.js';
import { limitsFromFlags, parseBudget, parseDuration } from '../cli/cli-options.js';

test('allow-list globs: wildcards, exact names, null allows all, key narrows team', () => {
  assert.ok(matchesAllowList('openai/gpt-4o', ['openai/*']));
  assert.ok(matchesAllowList('anthropic/claude-3-5-haiku', ['anthropic/claude-*']));
  assert.ok(!matchesAllowList('anthropic/opus', ['anthropic/claude-*']));
  assert.ok(matchesAllowList('chat', ['chat']));
  assert.ok(!matchesAllowList('chat2', ['chat']), 'anchored');
  assert.ok(!matchesAllowList('openai.x/gpt', ['openai/*']), 'dots are literal');
  assert.ok(matchesAllowList('anything', null));
  assert.ok(!matchesAllowList('anything', []));
  assert.ok(isModelAllowed('openai/gpt-4o', ['openai/*'], ['openai/gpt-4o']));
  assert.ok(!isModelAllowed('openai/gpt-4.1', ['openai/*'], ['openai/gpt-4o']));
  assert.ok(!isModelAllowed('anthropic/x', ['openai/*'], ['*']), 'a key cannot widen its team');
});

test('gateway keys: format, hashing, constant-time match, visible prefix', () => {
  const secret = generateGatewayKey();
  assert.match(secret, /^sk-sluice-[A-Za-z0-9_-]{43}$/);
  assert.notEqual(generateGatewayKey(), secret);
  assert.equal(hashSecret(secret).length, 64);
  assert.ok(secretMatchesHash(secret, hashSecret(secret)));
  assert.ok(!secretMatchesHash(secret + 'x', hashSecret(secret)));
  assert.equal(visiblePrefix(secret), secret.slice(0, 16));
});

test('credential cipher: round trip, tamper detection, wrong master key, short key refused', () => {
  const cipher = new CredentialCipher('m'.repeat(32));
  const sealed = cipher.encrypt('sk-provider-secret');
  assert.ok(!sealed.includes('sk-provider-secret'));
  assert.notEqual(cipher.encrypt('sk-provider-secret'), sealed, 'a fresh IV each time');
  assert.equal(cipher.decrypt(sealed), 'sk-provider-secret');
  const parts = sealed.split('.');
  const flipped = Buffer.from(parts[3], 'base64url');
  flipped[0] ^= 1;
  assert.throws(() => cipher.decrypt([...parts.slice(0, 3), flipped.toString('base64url')].join('.')));
  assert.throws(() => new CredentialCipher('n'.repeat(32)).decrypt(sealed));
  assert.throws(() => new CredentialCipher('short'), MissingMasterKeyError);
  assert.equal(CredentialCipher.fromEnvironment({}), undefined);
});

test('failed-auth limiter: blocks after the allowance, per address, until the minute ends', () => {
  let now = 60_000 * 100 + 10_000;
  const limiter = new FailedAuthLimiter(2, () => now);
  limiter.recordFailure('a');
  assert.equal(limiter.blockedFor('a'), 0);
  limiter.recordFailure('a');
  assert.equal(limiter.blockedFor('a'), 50);
  assert.equal(limiter.blockedFor('b'), 0);
  now += 50_000;
  assert.equal(limiter.blockedFor('a'), 0);
});

test('CLI option parsing: durations, budgets, limits', () => {
  assert.equal(parseDuration('30d'), 30 * 86_400_000);
  assert.equal(parseDuration('12h'), 12 * 3_600_000);
  assert.throws(() => parseDuration('soon'), /--expires/);
  assert.deepEqual(parseBudget('100/month'), { budget_usd: 100, budget_period: 'month' });
  assert.deepEqual(parseBudget('2.5/day'), { budget_usd: 2.5, budget_period: 'day' });
  assert.deepEqual(parseBudget('40'), { budget_usd: 40, budget_period: 'month' });
  assert.throws(() => parseBudget('lots'), /--budget/);
  assert.deepEqual(limitsFromFlags({ rpm: '60', parallel: '4', budget: '10/week' }), { rpm: 60, max_parallel: 4, budget_usd: 10, budget_period: 'week' });
  assert.equal(limitsFromFlags({}), undefined);
  assert.throws(() => limitsFromFlags({ rpm: '-1' }), /--rpm/);
});
