import { z } from 'zod';
import type { AdminRoute } from '../admin/admin-route.js';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import { parseInput } from '../tenancy/tenancy-inputs.js';
import type { AlertDeliveryQuery } from './alert-delivery-record.js';
import { alertDeliveryPageResponse } from './alert-response-schemas.js';

const deliveriesQuery = z.strictObject({
  rule: z.string().min(1).optional().describe('Only this alert rule'),
  webhook: z.string().min(1).optional().describe('Only this webhook (by its name in the config)'),
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.string().regex(/^\d+$/, 'expected an integer').optional().describe('Deliveries per page, 1–500 (default 50)'),
  cursor: z.string().min(1).optional().describe('`next_cursor` of the previous page'),
});

/**
 * Alert webhook deliveries through the admin API (admin token only: alerts span every tenant).
 * Records name the webhook, never its URL or headers.
 */
export const alertRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/alerts/deliveries',
    operationId: 'listAlertDeliveries',
    summary: 'Alert webhook deliveries with every attempt, newest first, with cursor pagination',
    tag: 'alerts',
    query: deliveriesQuery,
    response: { status: 200, schema: alertDeliveryPageResponse, name: 'AlertDeliveryPage', description: 'One page of deliveries' },
    errors: [400],
    async handle({ gateway, query }) {
      const input = parseInput(deliveriesQuery, query);
      const limit = input.limit === undefined ? 50 : Number(input.limit);
      if (limit < 1 || limit > 500) throw new InvalidRequestError('limit: expected 1 to 500', { code: 'invalid_value', param: 'limit' });
      const filters: AlertDeliveryQuery = { limit };
      if (input.rule) filters.rule = input.rule;
      if (input.webhook) filters.webhook = input.webhook;
      if (input.status) filters.status = input.status;
      if (input.cursor) filters.cursor = input.cursor;
      const page = await gateway.store.listAlertDeliveries(filters);
      return { status: 200, body: { data: page.records, next_cursor: page.next_cursor } };
    },
  },
];
