import type { AdminRoute } from './admin-route.js';
import { credentialRoutes } from './credential-routes.js';
import { keyRoutes } from './key-routes.js';
import { buildOpenApiDocument } from './openapi-document.js';
import { openApiResponse } from './response-schemas.js';
import { statusRoutes } from './status-routes.js';
import { teamRoutes } from './team-routes.js';
import { usageRoutes } from '../usage/usage-admin-routes.js';
import { cacheRoutes } from '../cache/cache-admin-routes.js';
import { logRoutes } from '../observability/log-admin-routes.js';
import { analyticsRoutes } from '../observability/analytics-admin-routes.js';
import { alertRoutes } from '../alerts/alert-admin-routes.js';

let openApiDocument: Record<string, unknown> | undefined;

/**
 * Served without the admin token: it describes the API (as the source code does) and holds no
 * configuration or secrets, and tools fetch it before they are given any token.
 */
const openApiRoute: AdminRoute = {
  method: 'GET',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'This OpenAPI 3.1 description (no authentication needed)',
  tag: 'status',
  public: true,
  response: { status: 200, schema: openApiResponse, name: 'OpenApiDocument', description: 'The document' },
  async handle() {
    // Built on first use, then reused: it depends only on the code.
    openApiDocument ??= buildOpenApiDocument(adminRoutes);
    return { status: 200, body: openApiDocument };
  },
};

/** Every admin endpoint, in the order openapi.json lists them. */
export const adminRoutes: readonly AdminRoute[] = [...teamRoutes, ...keyRoutes, ...credentialRoutes, ...usageRoutes, ...logRoutes, ...analyticsRoutes, ...alertRoutes, ...cacheRoutes, ...statusRoutes, openApiRoute];
