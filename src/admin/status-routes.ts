import { z } from 'zod';
import { parseInput } from '../tenancy/tenancy-inputs.js';
import type { AdminRoute } from './admin-route.js';
import { buildHealthReport } from './health-report.js';
import { auditPageResponse, healthResponse, listOf, routeResponse } from './response-schemas.js';

const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('Entries per page (default 100, at most 1000)'),
  before: z.coerce.number().int().min(1).optional().describe('Only entries older than this id (the previous page\'s `next_before`)'),
});

const defaultAuditPage = 100;

export const statusRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/audit',
    operationId: 'listAudit',
    summary: 'The audit log of changes, newest first',
    tag: 'audit',
    query: auditQuery,
    response: { status: 200, schema: auditPageResponse, name: 'AuditPage', description: 'One page of the audit log' },
    errors: [400],
    async handle({ gateway, query }) {
      const { limit = defaultAuditPage, before } = parseInput(auditQuery, query);
      // One entry more than asked tells whether another page exists without a count query.
      const entries = await gateway.store.listAudit({ limit: limit + 1, ...(before !== undefined && { before }) });
      const data = entries.slice(0, limit);
      const hasMore = entries.length > limit;
      return { status: 200, body: { data, has_more: hasMore, next_before: hasMore ? data[data.length - 1].id : null } };
    },
  },
  {
    method: 'GET',
    path: '/health',
    operationId: 'getHealth',
    summary: 'Status of the store and the configured providers',
    tag: 'status',
    response: { status: 200, schema: healthResponse, name: 'Health', description: 'Always 200; `status` says `degraded` when a part fails' },
    async handle({ gateway, requestId }) {
      return { status: 200, body: await buildHealthReport(gateway, requestId) };
    },
  },
  {
    method: 'GET',
    path: '/routes',
    operationId: 'listRoutes',
    summary: 'The configured routes (read-only: routes live in the config file)',
    tag: 'status',
    response: { status: 200, schema: listOf(routeResponse), name: 'RouteList', description: 'The routes' },
    async handle({ gateway }) {
      // Routes hold model names and tuning, never credentials: they are shown as configured.
      const data = Object.entries(gateway.config.routes).map(([name, route]) => ({ name, ...route }));
      return { status: 200, body: { data } };
    },
  },
];
