import { z } from 'zod';

/** What the usage endpoints answer, for openapi.json (see src/admin/response-schemas.ts). */
const sums = {
  requests: z.number().int(),
  prompt_tokens: z.number().int().describe('Includes cached and cache-written prompt tokens'),
  completion_tokens: z.number().int().describe('Includes reasoning tokens'),
  total_tokens: z.number().int(),
  cached_tokens: z.number().int().describe('Prompt tokens read from the provider cache'),
  cache_write_tokens: z.number().int().describe('Prompt tokens written to the provider cache'),
  reasoning_tokens: z.number().int(),
  cost_usd: z.number().describe('Cost of the requests whose price was known'),
  unpriced_requests: z.number().int().describe('Requests without a known price (not in cost_usd)'),
  estimated_requests: z.number().int().describe('Requests whose tokens were estimated (the provider reported none)'),
  cache_hits: z.number().int().describe('Requests answered by the response cache (in `requests`, with no tokens and no cost)'),
  cost_saved_usd: z.number().describe('What the cache hits would have cost: the price of their answers when first bought'),
};

export const usageReportResponse = z.object({
  group_by: z.enum(['key', 'team', 'model', 'provider', 'route', 'day']),
  from: z.string().describe('First day, UTC, inclusive'),
  to: z.string().describe('Last day, UTC, inclusive'),
  data: z.array(
    z.object({
      group: z.string().describe('The key id, team id, `provider/model`, provider, route or day; "" when none (auth off, no route)'),
      name: z.string().nullable().describe('The key or team name, when the group is one that still exists'),
      ...sums,
    }),
  ).describe('Most expensive first'),
  totals: z.object(sums),
});

export const budgetStatusResponse = z.object({
  scope: z.enum(['key', 'team', 'route', 'global']),
  id: z.string(),
  name: z.string(),
  team_id: z.string().nullable().describe("A key's team"),
  budget_usd: z.number(),
  period: z.enum(['day', 'week', 'month']),
  period_start: z.string().describe('Start of the current calendar window (UTC)'),
  period_end: z.string().describe('End of the window (exclusive): when the budget renews'),
  spend_usd: z.number(),
  remaining_usd: z.number(),
  used_fraction: z.number(),
  status: z.enum(['ok', 'alert', 'exceeded']).describe('alert: at or over limits.alert_threshold; exceeded: requests are refused'),
});

export const budgetListResponse = z.object({
  backend: z.enum(['memory', 'redis']).describe('Where spend counters live: this instance, or shared through Redis'),
  data: z.array(budgetStatusResponse),
});
