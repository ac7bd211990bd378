import { z } from 'zod';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import { parseInput } from '../tenancy/tenancy-inputs.js';
import { analyticsGroupBys, analyticsIntervals, intervalMs, type AnalyticsInterval, type AnalyticsQuery } from './analytics-query.js';
import { isoOf, logFilterFields } from './log-query-input.js';

/** More buckets than this is a 400: a day by the minute, 60 days by the hour, ~4 years by the day. */
export const maxAnalyticsBuckets = 1440;
/** Series in one answer at most (the busiest groups); every series has every bucket. */
export const maxAnalyticsGroups = 50;
const defaultGroups = 10;
/** The range when `from` is not given: an hour by the minute, a day by the hour, 30 days by the day. */
const defaultBuckets: Record<AnalyticsInterval, number> = { minute: 60, hour: 24, day: 30 };

export const analyticsQueryInput = z.strictObject({
  interval: z.enum(analyticsIntervals).default('hour').describe('Bucket width, aligned to UTC'),
  from: logFilterFields.from.describe('Start, inclusive, moved back to the start of its bucket (default: 60 minutes, 24 hours or 30 days before `to`)'),
  to: logFilterFields.to.describe('End, exclusive (default: now)'),
  group_by: z.enum(analyticsGroupBys).optional().describe('One series per model (served, else requested), provider, route, key or team'),
  key_id: logFilterFields.key_id,
  team_id: logFilterFields.team_id,
  route: logFilterFields.route,
  provider: logFilterFields.provider,
  model: logFilterFields.model,
  limit: z.string().regex(/^\d+$/, 'expected a whole number').optional().describe(`With group_by: the busiest groups shown, 1–${maxAnalyticsGroups} (default ${defaultGroups})`),
});

export interface ParsedAnalyticsQuery {
  query: AnalyticsQuery;
  /** Start of every bucket in the range, oldest first. */
  buckets: string[];
  groupLimit: number;
}

/** Validates the query string; `nowMs` is injected so the default range can be tested. */
export function parseAnalyticsQuery(raw: unknown, nowMs: number): ParsedAnalyticsQuery {
  const input = parseInput(analyticsQueryInput, raw);
  const width = intervalMs[input.interval];
  const toMs = input.to ? Date.parse(isoOf(input.to, 'to')) : nowMs;
  const requestedFromMs = input.from ? Date.parse(isoOf(input.from, 'from')) : toMs - defaultBuckets[input.interval] * width;
  // Whole buckets only: the first one starts at or before `from` (the epoch is a UTC midnight).
  const fromMs = Math.floor(requestedFromMs / width) * width;
  if (fromMs >= toMs) throw new InvalidRequestError('from: must be before to', { code: 'invalid_value', param: 'from' });
  const bucketCount = Math.ceil((toMs - fromMs) / width);
  if (bucketCount > maxAnalyticsBuckets) {
    throw new InvalidRequestError(
      `from: the range holds ${bucketCount} ${input.interval} buckets; at most ${maxAnalyticsBuckets} are allowed: narrow from/to or use a wider interval`,
      { code: 'too_many_buckets', param: 'from' },
    );
  }
  const groupLimit = input.limit === undefined ? defaultGroups : Number(input.limit);
  if (groupLimit < 1 || groupLimit > maxAnalyticsGroups) {
    throw new InvalidRequestError(`limit: expected 1 to ${maxAnalyticsGroups}`, { code: 'invalid_value', param: 'limit' });
  }
  const query: AnalyticsQuery = { interval: input.interval, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() };
  if (input.group_by) query.groupBy = input.group_by;
  if (input.key_id) query.keyId = input.key_id;
  if (input.team_id) query.teamId = input.team_id;
  if (input.route) query.route = input.route;
  if (input.provider) query.provider = input.provider;
  if (input.model) query.model = input.model;
  const buckets = Array.from({ length: bucketCount }, (_, index) => new Date(fromMs + index * width).toISOString());
  return { query, buckets, groupLimit };
}
