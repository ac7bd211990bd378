import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import { maxAnalyticsBuckets, parseAnalyticsQuery } from './analytics-input.js';

const now = Date.parse('2026-11-24T05:17:42.123Z');

test('defaults: hourly buckets over the last day up to now, the first bucket whole', () => {
  const parsed = parseAnalyticsQuery({}, now);
  assert.deepEqual(parsed.query, { interval: 'hour', from: '2026-11-23T05:00:00.000Z', to: '2026-11-24T05:17:42.123Z' });
  assert.equal(parsed.buckets.length, 25, '24 hours back from 05:17 starts in the 05:00 bucket of the day before');
  assert.equal(parsed.buckets[0], '2026-11-23T05:00:00.000Z');
  assert.equal(parsed.buckets.at(-1), '2026-11-24T05:00:00.000Z', 'the current, partial bucket is the last');
  assert.equal(parsed.groupLimit, 10);
});

test('each interval has its own default range and UTC alignment', () => {
  const minutes = parseAnalyticsQuery({ interval: 'minute' }, now);
  assert.equal(minutes.query.from, '2026-11-24T04:17:00.000Z');
  assert.equal(minutes.buckets.length, 61);
  const days = parseAnalyticsQuery({ interval: 'day', to: '2026-11-24' }, now);
  assert.equal(days.query.from, '2026-10-25T00:00:00.000Z');
  assert.equal(days.query.to, '2026-11-24T00:00:00.000Z');
  assert.equal(days.buckets.length, 30);
  const offset = parseAnalyticsQuery({ interval: 'hour', from: '2026-11-24T03:30:00+02:00', to: '2026-11-24T04:00:00+02:00' }, now);
  assert.deepEqual(offset.buckets, ['2026-11-24T01:00:00.000Z'], 'offsets are converted to UTC before aligning');
});

test('filters and group_by pass through; the model filter is kept as given', () => {
  const parsed = parseAnalyticsQuery({ group_by: 'team', team_id: 't', key_id: 'k', route: 'r', provider: 'p', model: 'openai/gpt-4o', limit: '50' }, now);
  assert.deepEqual(
    { ...parsed.query, from: undefined, to: undefined },
    { interval: 'hour', groupBy: 'team', teamId: 't', keyId: 'k', route: 'r', provider: 'p', model: 'openai/gpt-4o', from: undefined, to: undefined },
  );
  assert.equal(parsed.groupLimit, 50);
});

function rejects(query: Record<string, string>, param: string | null, code: string, message?: RegExp): void {
  assert.throws(
    () => parseAnalyticsQuery(query, now),
    (error: unknown) => {
      assert.ok(error instanceof InvalidRequestError, String(error));
      assert.equal(error.param, param);
      assert.equal(error.code, code);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

test('bad input is a 400 naming the parameter', () => {
  rejects({ interval: 'week' }, 'interval', 'invalid_value');
  rejects({ group_by: 'colour' }, 'group_by', 'invalid_value');
  rejects({ from: 'yesterday' }, 'from', 'invalid_value');
  rejects({ to: '2026-13-45' }, 'to', 'invalid_value');
  rejects({ from: '2026-11-24T05:00:00Z', to: '2026-11-24T05:00:00Z' }, 'from', 'invalid_value', /before to/);
  rejects({ from: '2026-11-25' }, 'from', 'invalid_value', /before to/);
  rejects({ limit: '0' }, 'limit', 'invalid_value');
  rejects({ limit: '51' }, 'limit', 'invalid_value');
  rejects({ limit: 'ten' }, 'limit', 'invalid_value');
  rejects({ status: '200' }, 'status', 'invalid_value', /unknown field/);
});

test('more buckets than allowed is a 400 that says how many', () => {
  const limit = { interval: 'minute', from: '2026-11-23T00:00:00Z' };
  rejects({ ...limit, to: '2026-11-24T00:00:01Z' }, 'from', 'too_many_buckets', new RegExp(`1441 minute buckets; at most ${maxAnalyticsBuckets}`));
  assert.equal(parseAnalyticsQuery({ ...limit, to: '2026-11-24T00:00:00Z' }, now).buckets.length, maxAnalyticsBuckets);
  rejects({ interval: 'hour', from: '2026-01-01', to: '2026-03-02T00:00:01Z' }, 'from', 'too_many_buckets');
});
