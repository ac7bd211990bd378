import { z } from 'zod';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import { parseInput } from '../tenancy/tenancy-inputs.js';
import type { RequestLogQuery } from './request-log-record.js';

const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, 'expected YYYY-MM-DD or an ISO-8601 timestamp');
const number = z.string().regex(/^\d+(\.\d+)?$/, 'expected a non-negative number');

/** Filters shared by the list and the export; all strings on the wire. */
export const logFilterFields = {
  from: timestamp.optional().describe('Arrival time, inclusive'),
  to: timestamp.optional().describe('Arrival time, exclusive'),
  key_id: z.string().min(1).optional(),
  team_id: z.string().min(1).optional(),
  route: z.string().min(1).optional(),
  provider: z.string().min(1).optional(),
  model: z.string().min(1).optional().describe('Requested or served model'),
  status: z.string().regex(/^\d{3}$/, 'expected an HTTP status').optional(),
  cache_status: z.string().min(1).optional(),
  metadata_key: z.string().min(1).optional().describe('With metadata_value: that value; alone: the key is present'),
  metadata_value: z.string().optional(),
  min_latency_ms: number.optional(),
  min_cost_usd: number.optional(),
  q: z.string().min(1).optional().describe('Substring of the stored request or response body (bodies must be stored)'),
  has_feedback: z.enum(['true', 'false']).optional().describe('Only requests with (true) or without (false) feedback'),
  min_score: z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a number').optional().describe('Only requests whose feedback score is at least this'),
};

export const logListQuery = z.strictObject({
  ...logFilterFields,
  limit: z.string().regex(/^\d+$/).optional().describe('Records per page, 1–1000 (default 100)'),
  cursor: z.string().min(1).optional(),
});

export const logExportQuery = z.strictObject({
  ...logFilterFields,
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
});

/** ISO strings compare as text in the store, so every bound is normalized to the stored form. */
export function isoOf(value: string, field: string): string {
  const ms = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) throw new InvalidRequestError(`${field}: not a valid date`, { code: 'invalid_value', param: field });
  return new Date(ms).toISOString();
}

type Filters = { [K in keyof typeof logFilterFields]?: string };

export function toLogQuery(input: Filters, limit: number, cursor?: string): RequestLogQuery {
  if (input.metadata_value !== undefined && input.metadata_key === undefined) {
    throw new InvalidRequestError('metadata_value: needs metadata_key', { code: 'invalid_value', param: 'metadata_value' });
  }
  const query: RequestLogQuery = { limit };
  if (input.from) query.from = isoOf(input.from, 'from');
  if (input.to) query.to = isoOf(input.to, 'to');
  if (input.key_id) query.keyId = input.key_id;
  if (input.team_id) query.teamId = input.team_id;
  if (input.route) query.route = input.route;
  if (input.provider) query.provider = input.provider;
  if (input.model) query.model = input.model;
  if (input.status) query.status = Number(input.status);
  if (input.cache_status) query.cacheStatus = input.cache_status.toUpperCase();
  if (input.metadata_key) query.metadataKey = input.metadata_key;
  if (input.metadata_value !== undefined) query.metadataValue = input.metadata_value;
  if (input.min_latency_ms) query.minLatencyMs = Number(input.min_latency_ms);
  if (input.min_cost_usd) query.minCostUsd = Number(input.min_cost_usd);
  if (input.q) query.text = input.q;
  if (input.has_feedback) query.hasFeedback = input.has_feedback === 'true';
  if (input.min_score) query.minScore = Number(input.min_score);
  if (cursor) query.cursor = cursor;
  return query;
}

export function parseListQuery(raw: unknown): RequestLogQuery {
  const input = parseInput(logListQuery, raw);
  const limit = input.limit === undefined ? 100 : Number(input.limit);
  if (limit < 1 || limit > 1000) throw new InvalidRequestError('limit: expected 1 to 1000', { code: 'invalid_value', param: 'limit' });
  return toLogQuery(input, limit, input.cursor);
}
