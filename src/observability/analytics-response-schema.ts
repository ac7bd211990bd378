import { z } from 'zod';

const count = z.number().int().min(0);
const milliseconds = z.number().nullable();

/** The analytics answer as openapi.json describes it (src/observability/analytics-report.ts builds it). */
export const analyticsPointResponse = z.object({
  bucket: z.string().describe('Start of the bucket, ISO-8601 UTC'),
  requests: count,
  errors: count.describe('Requests answered with status 400 or above'),
  error_rate: z.number().nullable().describe('errors / requests; null without requests'),
  prompt_tokens: count,
  completion_tokens: count,
  cached_tokens: count,
  cost_usd: z.number().describe('Sum of the known costs (requests without a price count as 0)'),
  cache_hits: count,
  cache_misses: count,
  cache_hit_ratio: z.number().nullable().describe('HIT / (HIT + MISS); null when the cache was not asked'),
  latency_p50_ms: milliseconds,
  latency_p95_ms: milliseconds,
  latency_p99_ms: milliseconds,
  first_token_p50_ms: milliseconds.describe('Time to first token, streamed requests only'),
  first_token_p95_ms: milliseconds,
  feedback_count: count,
  feedback_mean_score: z.number().nullable(),
});

export const analyticsResponse = z.object({
  interval: z.enum(['minute', 'hour', 'day']),
  from: z.string().describe('Start of the first bucket'),
  to: z.string().describe('End of the range, exclusive'),
  group_by: z.string().nullable(),
  buckets: z.array(z.string()).describe('Start of every bucket; each series has one point per bucket, empty ones included'),
  series: z.array(
    z.object({
      group: z.string().nullable().describe('The group value; null without group_by, or for requests without one (e.g. no key)'),
      requests: count.describe('Requests of this series over the whole range'),
      points: z.array(analyticsPointResponse),
    }),
  ),
  groups_omitted: count.describe('Groups with requests beyond `limit`, left out'),
});
