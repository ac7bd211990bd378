import type { AdminRoute } from '../admin/admin-route.js';
import { analyticsQueryInput, parseAnalyticsQuery } from './analytics-input.js';
import { buildAnalyticsReport } from './analytics-report.js';
import { analyticsResponse } from './analytics-response-schema.js';

/** Request-log analytics through the admin API (admin token only: they span every tenant). */
export const analyticsRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/analytics',
    operationId: 'getAnalytics',
    summary: 'Time series of requests, errors, tokens, cost, cache hits, latency percentiles and feedback, optionally grouped',
    tag: 'analytics',
    query: analyticsQueryInput,
    response: { status: 200, schema: analyticsResponse, name: 'Analytics', description: 'One series per group, one point per bucket' },
    errors: [400],
    async handle({ gateway, query }) {
      const parsed = parseAnalyticsQuery(query, Date.now());
      // This instance's queued records first, so requests just answered are counted.
      await gateway.logs.writer.flush();
      const cells = await gateway.store.queryAnalytics(parsed.query);
      return { status: 200, body: buildAnalyticsReport(parsed, cells) };
    },
  },
];
