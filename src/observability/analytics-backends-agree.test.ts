import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { parseAnalyticsQuery } from './analytics-input.js';
import type { AnalyticsCell, AnalyticsQuery } from './analytics-query.js';
import { buildAnalyticsReport } from './analytics-report.js';
import { logRecord } from './log-record-fixture.js';
import { whenPostgresReachable } from './postgres-test-support.js';
import type { RequestFeedbackRecord } from './request-feedback-record.js';
import type { RequestLogRecord } from './request-log-record.js';

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let value = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(7);
const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)]!;
const start = Date.UTC(2026, 2, 1);

/** 600 records over three hours with every nullable field sometimes null, and feedback on a third. */
const records: RequestLogRecord[] = Array.from({ length: 600 }, (_, index) =>
  logRecord({
    id: `r-${index}`,
    at: new Date(start + Math.floor(next() * 3 * 3_600_000)).toISOString(),
    key_id: pick(['k1', 'k2', 'k3', null]),
    team_id: pick(['t1', 't2', null]),
    route: pick(['smart', 'cheap', null]),
    provider: pick(['openai', 'anthropic', 'gemini']),
    model_served: pick(['openai/gpt-4o-mini', 'anthropic/claude', null]),
    status: pick([200, 200, 200, 400, 429, 502]),
    latency_ms: Math.round(next() * 5000) / 7,
    first_token_ms: next() < 0.3 ? null : next() * 900,
    prompt_tokens: next() < 0.1 ? null : Math.floor(next() * 4000),
    completion_tokens: Math.floor(next() * 800),
    cost_usd: next() < 0.2 ? null : next() / 100,
    cache_status: pick(['HIT', 'MISS', 'BYPASS', null]),
  }),
);
const feedback: RequestFeedbackRecord[] = records
  .filter(() => next() < 0.33)
  .map((record) => ({ request_id: record.id, key_id: record.key_id, team_id: record.team_id, score: pick([-1, 1, 0.25, 0.8, 0]), comment: null, metadata: {}, at: record.at }));

/** PostgreSQL's percentile_cont, in JavaScript: lo + fraction·(hi − lo) over the sorted values. */
function percentileCont(values: number[], percentile: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = percentile * (values.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return high === low ? sorted[low]! : sorted[low]! + (position - low) * (sorted[high]! - sorted[low]!);
}

const bucketLength = { minute: 16, hour: 13, day: 10 } as const;
const suffix = { minute: ':00.000Z', hour: ':00:00.000Z', day: 'T00:00:00.000Z' } as const;
const groupOf = { model: (r: RequestLogRecord) => r.model_served ?? r.model_requested, provider: (r: RequestLogRecord) => r.provider, route: (r: RequestLogRecord) => r.route, key: (r: RequestLogRecord) => r.key_id, team: (r: RequestLogRecord) => r.team_id };

/** The cells computed from the records directly: the expectation both stores must meet. */
function referenceCells(query: AnalyticsQuery): AnalyticsCell[] {
  const scores = new Map(feedback.map((each) => [each.request_id, each.score]));
  const cells = new Map<string, RequestLogRecord[]>();
  for (const record of records) {
    if (record.at < query.from || record.at >= query.to) continue;
    if (query.keyId !== undefined && record.key_id !== query.keyId) continue;
    if (query.model !== undefined && record.model_served !== query.model && record.model_requested !== query.model) continue;
    const group = query.groupBy ? groupOf[query.groupBy](record) : null;
    const key = JSON.stringify([record.at.slice(0, bucketLength[query.interval]) + suffix[query.interval], group]);
    cells.set(key, [...(cells.get(key) ?? []), record]);
  }
  return [...cells.entries()].map(([key, rows]) => {
    const [bucket, group] = JSON.parse(key) as [string, string | null];
    const sum = (value: (row: RequestLogRecord) => number | null) => rows.reduce((total, row) => total + (value(row) ?? 0), 0);
    const rated = rows.filter((row) => scores.has(row.id));
    const firstTokens = rows.flatMap((row) => (row.first_token_ms === null ? [] : [row.first_token_ms]));
    return {
      bucket, group, requests: rows.length, errors: rows.filter((row) => row.status >= 400).length,
      prompt_tokens: sum((row) => row.prompt_tokens), completion_tokens: sum((row) => row.completion_tokens), cached_tokens: sum((row) => row.cached_tokens),
      cost_usd: sum((row) => row.cost_usd), cache_hits: rows.filter((row) => row.cache_status === 'HIT').length, cache_misses: rows.filter((row) => row.cache_status === 'MISS').length,
      latency_p50_ms: percentileCont(rows.map((row) => row.latency_ms), 0.5), latency_p95_ms: percentileCont(rows.map((row) => row.latency_ms), 0.95),
      latency_p99_ms: percentileCont(rows.map((row) => row.latency_ms), 0.99), first_token_p50_ms: percentileCont(firstTokens, 0.5), first_token_p95_ms: percentileCont(firstTokens, 0.95),
      feedback_count: rated.length, feedback_score_sum: rated.reduce((total, row) => total + scores.get(row.id)!, 0),
    };
  });
}

const queries: Array<Record<string, string>> = [
  { interval: 'minute', from: '2026-03-01T00:00:00Z', to: '2026-03-01T03:00:00Z' },
  { interval: 'hour', from: '2026-03-01T00:00:00Z', to: '2026-03-01T03:00:00Z', group_by: 'model' },
  { interval: 'hour', from: '2026-03-01T00:30:00Z', to: '2026-03-01T02:15:00Z', group_by: 'key', limit: '50' },
  { interval: 'minute', from: '2026-03-01T01:00:00Z', to: '2026-03-01T02:00:00Z', group_by: 'team' },
  { interval: 'day', from: '2026-03-01', to: '2026-03-02', group_by: 'route' },
  { interval: 'hour', from: '2026-03-01', to: '2026-03-02', group_by: 'provider', key_id: 'k2' },
  { interval: 'hour', from: '2026-03-01', to: '2026-03-02', model: 'anthropic/claude' },
];

function describeAgreement(stores: () => Store[]): void {
  test('every backend returns the reference report, to the last bit of every percentile', async () => {
    for (const raw of queries) {
      const parsed = parseAnalyticsQuery(raw, start);
      const expected = buildAnalyticsReport(parsed, referenceCells(parsed.query));
      assert.ok(expected.series.some((series) => series.requests > 0), 'the query matches rows');
      for (const store of stores()) {
        const actual = buildAnalyticsReport(parsed, await store.queryAnalytics(parsed.query));
        assert.deepEqual(actual, expected, `${store.kind}: ${JSON.stringify(raw)}`);
      }
    }
  });
}

describe('analytics: SQLite and PostgreSQL agree with a reference computation on random data', async () => {
  const stores: Store[] = [];
  before(async () => {
    const sqlite = await openStore('memory');
    stores.push(sqlite);
    await sqlite.insertRequestLogs(records);
    for (const each of feedback) await sqlite.putRequestFeedback(each);
  });
  after(async () => {
    for (const store of stores) await store.close();
  });
  await whenPostgresReachable('PostgreSQL analytics agreement', (openPostgres) => {
    before(async () => {
      const postgres = await openPostgres();
      stores.push(postgres);
      await postgres.insertRequestLogs(records);
      for (const each of feedback) await postgres.putRequestFeedback(each);
    });
  });
  describeAgreement(() => stores);
});
