import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../store/store.js';
import { parseAnalyticsQuery } from './analytics-input.js';
import { buildAnalyticsReport, type AnalyticsPoint, type AnalyticsReport } from './analytics-report.js';
import { logRecord } from './log-record-fixture.js';
import type { RequestFeedbackRecord } from './request-feedback-record.js';
import type { RequestLogRecord } from './request-log-record.js';

/** Minute `minute` (plus `seconds`) of 2026-01-01, UTC. */
export const at = (minute: number, seconds = 0) => new Date(Date.UTC(2026, 0, 1, 0, minute, seconds)).toISOString();

const empty = { prompt_tokens: null, completion_tokens: null, cached_tokens: null, cost_usd: null, cache_status: null, first_token_ms: null };
const openai = { provider: 'openai', model_served: 'openai/gpt-4o-mini', key_id: 'key-1', team_id: 'team-1' };
const anthropic = { provider: 'anthropic', model_served: 'anthropic/claude', key_id: 'key-2', team_id: 'team-2' };

/**
 * Hand-made records: minute 0 holds five requests of two models, minute 1 none, minute 2 two
 * (one failed before routing: no provider, no served model, no key), minute 3 one at its last
 * millisecond; two more fall just outside [00:00, 00:04).
 */
export const analyticsRecords: RequestLogRecord[] = [
  logRecord({ id: 'a1', at: at(0, 1), ...openai, status: 200, latency_ms: 10, first_token_ms: 2, prompt_tokens: 10, completion_tokens: 20, cached_tokens: 0, cost_usd: 0.25, cache_status: 'MISS' }),
  logRecord({ id: 'a2', at: at(0, 2), ...anthropic, ...empty, status: 502, latency_ms: 40 }),
  logRecord({ id: 'a3', at: at(0, 3), ...openai, status: 200, latency_ms: 20, first_token_ms: 4, prompt_tokens: 5, completion_tokens: 5, cached_tokens: 5, cost_usd: 0.5, cache_status: 'HIT' }),
  logRecord({ id: 'a4', at: at(0, 4), ...openai, ...empty, status: 429, latency_ms: 30, cache_status: 'BYPASS' }),
  logRecord({ id: 'a5', at: at(0, 59), ...anthropic, status: 200, latency_ms: 100, first_token_ms: 8, prompt_tokens: 1, completion_tokens: 2, cached_tokens: 0, cost_usd: 0.125, cache_status: 'MISS' }),
  logRecord({ id: 'c1', at: at(2, 0), ...openai, status: 200, latency_ms: 7, first_token_ms: 1, prompt_tokens: 3, completion_tokens: 4, cached_tokens: 0, cost_usd: 0.0625, cache_status: 'HIT' }),
  logRecord({ id: 'c2', at: at(2, 30), ...empty, provider: null, model_served: null, key_id: null, team_id: null, status: 400, latency_ms: 1 }),
  logRecord({ id: 'd1', at: new Date(Date.UTC(2026, 0, 1, 0, 3, 59, 999)).toISOString(), ...anthropic, route: 'cheap', status: 200, latency_ms: 5, first_token_ms: null }),
  logRecord({ id: 'late', at: at(4), ...openai, status: 500, latency_ms: 1000 }),
  logRecord({ id: 'early', at: new Date(Date.UTC(2025, 11, 31, 23, 59, 59, 999)).toISOString(), ...openai, status: 500, latency_ms: 1000 }),
];

const feedback = (request_id: string, score: number, key_id: string | null = 'key-1'): RequestFeedbackRecord => ({
  request_id, key_id, team_id: key_id === 'key-2' ? 'team-2' : 'team-1', score, comment: `on ${request_id}`, metadata: { source: 'test', n: 1 }, at: at(10),
});

export const analyticsFeedback: RequestFeedbackRecord[] = [feedback('a1', 1), feedback('a3', -1), feedback('a5', 0.5, 'key-2'), feedback('late', 1)];

/** The report as the admin API builds it, over 00:00–00:04 unless the query says otherwise. */
export async function report(store: Store, query: Record<string, string> = {}): Promise<AnalyticsReport> {
  const parsed = parseAnalyticsQuery({ interval: 'minute', from: at(0), to: at(4), ...query }, Date.parse(at(30)));
  return buildAnalyticsReport(parsed, await store.queryAnalytics(parsed.query));
}

const zeroPoint = (bucket: string): AnalyticsPoint => ({
  bucket, requests: 0, errors: 0, error_rate: null, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, cost_usd: 0, cache_hits: 0, cache_misses: 0,
  cache_hit_ratio: null, latency_p50_ms: null, latency_p95_ms: null, latency_p99_ms: null, first_token_p50_ms: null, first_token_p95_ms: null,
  feedback_count: 0, feedback_mean_score: null,
});

/** Linear interpolation checked by hand: within 1e-9 of the exact value. */
function near(actual: number | null, expected: number, label: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${label}: ${actual} is not ${expected}`);
}

/** The analytics and feedback methods of the Store, run against each backend (DESIGN.md §2.5). */
export function describeAnalyticsStore(name: string, open: () => Promise<Store>): void {
  describe(`analytics store: ${name}`, () => {
    let store: Store;
    before(async () => {
      store = await open();
      await store.insertRequestLogs(analyticsRecords);
      await store.putRequestFeedback({ ...feedback('a1', 0), comment: 'replaced by the next one' });
      for (const each of analyticsFeedback) await store.putRequestFeedback(each);
    });
    after(() => store.close());

    test('feedback reads back; a second feedback on a request replaces the first', async () => {
      assert.deepEqual(await store.getRequestFeedback('a1'), analyticsFeedback[0]);
      assert.deepEqual(await store.getRequestFeedback('a5'), analyticsFeedback[2]);
      assert.equal(await store.getRequestFeedback('nothing'), undefined);
    });

    test('minute buckets: counts, sums, ratios, percentiles and feedback by hand; empty buckets are zeros', async () => {
      const result = await report(store);
      assert.deepEqual(result.buckets, [at(0), at(1), at(2), at(3)]);
      assert.equal(result.series.length, 1);
      const [series] = result.series;
      assert.equal(series!.group, null);
      assert.equal(series!.requests, 8);
      const [first, second, third, fourth] = series!.points;
      // Minute 0: latencies 10 20 30 40 100; first-token times 2 4 8 (two requests had none).
      assert.deepEqual({ ...first!, latency_p95_ms: 0, latency_p99_ms: 0, first_token_p95_ms: 0 }, {
        bucket: at(0), requests: 5, errors: 2, error_rate: 0.4, prompt_tokens: 16, completion_tokens: 27, cached_tokens: 5, cost_usd: 0.875,
        cache_hits: 1, cache_misses: 2, cache_hit_ratio: Number((1 / 3).toPrecision(12)), latency_p50_ms: 30, latency_p95_ms: 0, latency_p99_ms: 0,
        first_token_p50_ms: 4, first_token_p95_ms: 0, feedback_count: 3, feedback_mean_score: Number((0.5 / 3).toPrecision(12)),
      });
      near(first!.latency_p95_ms, 40 + 0.8 * 60, 'p95 latency');
      near(first!.latency_p99_ms, 40 + 0.96 * 60, 'p99 latency');
      near(first!.first_token_p95_ms, 4 + 0.9 * 4, 'p95 first token');
      assert.deepEqual(second, zeroPoint(at(1)));
      assert.equal(third!.requests, 2);
      assert.equal(third!.errors, 1);
      near(third!.latency_p50_ms, 4, 'p50 of two values');
      assert.equal(third!.first_token_p50_ms, 1, 'one value is every percentile');
      assert.equal(third!.first_token_p95_ms, 1);
      assert.equal(third!.cache_hit_ratio, 1);
      assert.equal(third!.feedback_mean_score, null);
      assert.equal(fourth!.requests, 1, 'the last millisecond of the range counts; `to` itself does not');
      assert.equal(fourth!.first_token_p50_ms, null);
      assert.equal(fourth!.latency_p99_ms, 5);
    });

    test('grouped by model: one series per model, busiest first, each with every bucket', async () => {
      const result = await report(store, { group_by: 'model' });
      assert.deepEqual(result.series.map((series) => [series.group, series.requests]), [['openai/gpt-4o-mini', 4], ['anthropic/claude', 3], ['smart', 1]]);
      const [openaiSeries, anthropicSeries, requestedOnly] = result.series;
      assert.deepEqual(openaiSeries!.points.map((point) => point.requests), [3, 0, 1, 0]);
      assert.equal(openaiSeries!.points[0]!.latency_p50_ms, 20);
      near(openaiSeries!.points[0]!.latency_p95_ms, 20 + 0.9 * 10, 'p95 of 10 20 30');
      assert.equal(openaiSeries!.points[0]!.feedback_mean_score, 0);
      assert.equal(openaiSeries!.points[0]!.cost_usd, 0.75);
      assert.deepEqual(anthropicSeries!.points.map((point) => point.requests), [2, 0, 0, 1]);
      assert.equal(anthropicSeries!.points[0]!.latency_p50_ms, 70);
      assert.equal(anthropicSeries!.points[0]!.first_token_p50_ms, 8);
      assert.deepEqual(requestedOnly!.points[2], { ...zeroPoint(at(2)), requests: 1, errors: 1, error_rate: 1, latency_p50_ms: 1, latency_p95_ms: 1, latency_p99_ms: 1 });
      assert.equal(result.groups_omitted, 0);
    });

    test('grouped by key, team, provider and route; requests without one form the null group, last', async () => {
      const byKey = await report(store, { group_by: 'key' });
      assert.deepEqual(byKey.series.map((series) => [series.group, series.requests]), [['key-1', 4], ['key-2', 3], [null, 1]]);
      const byTeam = await report(store, { group_by: 'team', interval: 'hour' });
      assert.deepEqual(byTeam.buckets, ['2026-01-01T00:00:00.000Z']);
      assert.deepEqual(byTeam.series.map((series) => [series.group, series.points[0]!.requests, series.points[0]!.feedback_count]), [['team-1', 4, 2], ['team-2', 3, 1], [null, 1, 0]]);
      const byProvider = await report(store, { group_by: 'provider', interval: 'day', from: '2026-01-01', to: '2026-01-02' });
      assert.deepEqual(byProvider.series.map((series) => [series.group, series.requests]), [['openai', 5], ['anthropic', 3], [null, 1]], 'the day holds `late` too');
      const byRoute = await report(store, { group_by: 'route' });
      assert.deepEqual(byRoute.series.map((series) => [series.group, series.requests]), [['smart', 7], ['cheap', 1]]);
    });

    test('filters narrow the rows before bucketing', async () => {
      const requests = async (query: Record<string, string>) => (await report(store, query)).series[0]!.points.map((point) => point.requests);
      assert.deepEqual(await requests({ team_id: 'team-2' }), [2, 0, 0, 1]);
      assert.deepEqual(await requests({ key_id: 'key-1' }), [3, 0, 1, 0]);
      assert.deepEqual(await requests({ provider: 'anthropic' }), [2, 0, 0, 1]);
      assert.deepEqual(await requests({ model: 'openai/gpt-4o-mini' }), [3, 0, 1, 0]);
      assert.deepEqual(await requests({ model: 'smart' }), [5, 0, 2, 1], 'the requested model matches too');
      assert.deepEqual(await requests({ route: 'cheap' }), [0, 0, 0, 1]);
      assert.deepEqual(await requests({ team_id: 'nobody' }), [0, 0, 0, 0]);
      assert.deepEqual((await report(store, { team_id: 'nobody', group_by: 'team' })).series, [], 'grouped, no data means no series');
    });

    test('from is moved back to its bucket start; limit keeps the busiest groups and counts the rest', async () => {
      const result = await report(store, { from: at(0, 30), to: at(2, 10) });
      assert.deepEqual(result.buckets, [at(0), at(1), at(2)]);
      assert.deepEqual(result.series[0]!.points.map((point) => point.requests), [5, 0, 1]);
      const limited = await report(store, { group_by: 'key', limit: '1' });
      assert.deepEqual(limited.series.map((series) => series.group), ['key-1']);
      assert.equal(limited.groups_omitted, 2);
    });

    test('pruning by age removes the feedback of pruned requests', async () => {
      await store.pruneRequestLogs({ before: at(30) });
      assert.equal(await store.getRequestFeedback('a1'), undefined);
      assert.equal((await report(store)).series[0]!.requests, 0);
    });
  });
}
