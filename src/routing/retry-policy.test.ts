import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProviderResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors/gateway-errors.js';
import { classifyFailure } from './classify-failure.js';
import { parseRetryOverrides } from './request-overrides.js';
import { backoffDelayMs, parseRetryAfterMs, retryPolicyFor } from './retry-policy.js';
import { retrySchema } from '../config/config-schema.js';

const noJitter = (backoff: 'constant' | 'linear' | 'exponential') =>
  retryPolicyFor(retrySchema.parse({ attempts: 5, backoff, base_ms: 100, max_ms: 1_000, jitter: 0 }));

test('constant, linear and exponential backoff grow as named and stop at max_ms', () => {
  const delays = (backoff: 'constant' | 'linear' | 'exponential') => [1, 2, 3, 4, 5].map((retry) => backoffDelayMs(noJitter(backoff), retry, () => 0.5));
  assert.deepEqual(delays('constant'), [100, 100, 100, 100, 100]);
  assert.deepEqual(delays('linear'), [100, 200, 300, 400, 500]);
  assert.deepEqual(delays('exponential'), [100, 200, 400, 800, 1_000]);
});

test('jitter spreads a wait by ± the configured fraction', () => {
  const policy = retryPolicyFor(retrySchema.parse({ backoff: 'constant', base_ms: 1_000, jitter: 0.2 }));
  assert.equal(backoffDelayMs(policy, 1, () => 0), 800);
  assert.equal(backoffDelayMs(policy, 1, () => 0.5), 1_000);
  assert.equal(Math.round(backoffDelayMs(policy, 1, () => 0.999999)), 1_200);
});

test('retry-after is read as seconds or as an HTTP date; garbage is ignored', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  assert.equal(parseRetryAfterMs('2', now), 2_000);
  assert.equal(parseRetryAfterMs('0.5', now), 500);
  assert.equal(parseRetryAfterMs('Wed, 01 Jan 2025 00:00:03 GMT', now), 3_000);
  assert.equal(parseRetryAfterMs('soon', now), undefined);
  assert.equal(parseRetryAfterMs(undefined, now), undefined);
});

test('request headers override attempts, delay and backoff; malformed ones are 400s', () => {
  assert.deepEqual(parseRetryOverrides({ 'x-sluice-max-attempts': '4', 'x-sluice-retry-delay': '50', 'x-sluice-backoff': 'Linear' }), { attempts: 4, baseMs: 50, backoff: 'linear' });
  assert.deepEqual(parseRetryOverrides({}), {});
  for (const headers of [{ 'x-sluice-max-attempts': '0' }, { 'x-sluice-max-attempts': '11' }, { 'x-sluice-max-attempts': '2.5' }, { 'x-sluice-retry-delay': '-1' }, { 'x-sluice-backoff': 'fibonacci' }]) {
    assert.throws(() => parseRetryOverrides(headers), (error: { status?: number; code?: string }) => error.status === 400 && error.code === 'invalid_header', JSON.stringify(headers));
  }
  const policy = retryPolicyFor(retrySchema.parse({ attempts: 2, base_ms: 300 }), { attempts: 5, backoff: 'constant' });
  assert.equal(policy.attempts, 5);
  assert.equal(policy.baseMs, 300, 'what the request does not set comes from the route');
  assert.equal(policy.backoff, 'constant');
});

test('429, 5xx, timeouts and connection errors are retryable by default; other 4xx never', () => {
  const policy = retryPolicyFor(undefined);
  const now = Date.now();
  const status = (code: number, headers?: string) => classifyFailure(new ProviderResponseError('p', code, 'x', { retryAfter: headers }), policy, now)!;
  for (const code of [429, 500, 502, 503, 504]) assert.equal(status(code).retryable, true, String(code));
  for (const code of [400, 401, 403, 404, 422]) assert.equal(status(code).retryable, false, String(code));
  assert.equal(classifyFailure(new UpstreamTimeoutError('p', 10), policy, now)!.retryable, true);
  assert.equal(classifyFailure(new UpstreamUnavailableError('p', 'ECONNREFUSED'), policy, now)!.retryable, true);
  assert.equal(status(429, '3').retryAfterMs, 3_000);
  assert.equal(status(503).unhealthy, true);
  assert.equal(status(400).unhealthy, false, 'a bad request says nothing about the target');
  assert.equal(classifyFailure(new Error('bug'), policy, now), undefined);
});

test('context-window errors are recognised in OpenAI, Anthropic, Gemini and vLLM wording', () => {
  const policy = retryPolicyFor(undefined);
  const classify = (status: number, message: string, code: string | null = null) =>
    classifyFailure(new ProviderResponseError('p', status, message, { code }), policy, Date.now())!;
  assert.equal(classify(400, "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.", 'context_length_exceeded').contextWindow, true);
  assert.equal(classify(400, 'prompt is too long: 210012 tokens > 200000 maximum').contextWindow, true);
  assert.equal(classify(400, 'input length and `max_tokens` exceed context limit: 198000 + 8192 > 200000').contextWindow, true);
  assert.equal(classify(400, 'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).').contextWindow, true);
  assert.equal(classify(400, 'messages: at least one message is required').contextWindow, false);
  assert.equal(classify(500, 'prompt is too long').contextWindow, false, 'only a 4xx is the prompt\'s fault');
});

test('content-policy refusals are recognised', () => {
  const policy = retryPolicyFor(undefined);
  const classify = (message: string, code: string | null = null) => classifyFailure(new ProviderResponseError('p', 400, message, { code }), policy, Date.now())!;
  assert.equal(classify("The response was filtered due to the prompt triggering Azure OpenAI's content management policy.", 'content_filter').contentFilter, true);
  assert.equal(classify('Your request was rejected as a result of our safety system.').contentFilter, true);
  assert.equal(classify('Invalid value for temperature').contentFilter, false);
});
