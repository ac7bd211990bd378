import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Gateway } from '../gateway/gateway.js';
import { InvalidRequestError, MethodNotAllowedError, NotFoundError, toGatewayError } from '../errors/gateway-errors.js';
import { authenticateAdmin } from './admin-auth.js';
import { writeAdminError, writeAdminJson } from './admin-response.js';
import { compilePath, matchSegments, type AdminRoute } from './admin-route.js';
import type { adminRoutes as AdminRoutes } from './admin-routes.js';
import { readJsonBody } from './read-json-body.js';
import { writeAdminStream } from './write-admin-stream.js';

export const adminPathPrefix = '/admin/api/v1';

/** Whether a request path (without its query) belongs to the admin API. */
export function isAdminPath(path: string): boolean {
  return path === adminPathPrefix || path.startsWith(`${adminPathPrefix}/`);
}

type CompiledRoutes = Array<{ route: AdminRoute; pattern: ReturnType<typeof compilePath> }>;
let compiledRoutes: Promise<CompiledRoutes> | undefined;

/**
 * The route table is loaded on the first admin request, not at start: its modules (analytics,
 * logs, usage, alerts, credentials, their zod schemas and OpenAPI document) are code a data plane
 * under load never runs — 0.9 MB of live heap and ~4 MB of RSS at start (docs/benchmarks.md).
 */
function loadRoutes(): Promise<CompiledRoutes> {
  compiledRoutes ??= import('./admin-routes.js').then(({ adminRoutes }: { adminRoutes: typeof AdminRoutes }) =>
    adminRoutes.map((route) => ({ route, pattern: compilePath(route.path) })),
  );
  return compiledRoutes;
}

interface ParsedUrl {
  path: string;
  /** Undefined when a segment is not valid percent-encoding (no route can match it). */
  segments: string[] | undefined;
  query: Record<string, string>;
}

function parseUrl(url: string): ParsedUrl {
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = Object.fromEntries(new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1)));
  try {
    // Empty segments are dropped, so a trailing slash addresses the same resource.
    const segments = path.slice(adminPathPrefix.length).split('/').filter(Boolean).map(decodeURIComponent);
    return { path, segments, query };
  } catch {
    return { path, segments: undefined, query };
  }
}

function findRoutes(compiledRoutes: CompiledRoutes, segments: string[] | undefined): Array<{ route: AdminRoute; params: Record<string, string> }> {
  if (!segments) return [];
  const found: Array<{ route: AdminRoute; params: Record<string, string> }> = [];
  for (const { route, pattern } of compiledRoutes) {
    const params = matchSegments(pattern, segments);
    if (params) found.push({ route, params });
  }
  return found;
}

async function serve(gateway: Gateway, request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
  const { path, segments, query } = parseUrl(request.url ?? '/');
  const candidates = findRoutes(await loadRoutes(), segments);
  const chosen = candidates.find((candidate) => candidate.route.method === request.method);
  // Authentication comes before 404/405, so without the token nothing about the API's paths
  // can be probed (beyond the public openapi.json).
  if (!chosen?.route.public) authenticateAdmin(gateway, request);
  if (candidates.length === 0) throw new NotFoundError(`No admin endpoint at ${path}.`, 'unknown_url');
  if (!chosen) {
    const allow = [...new Set(candidates.map((candidate) => candidate.route.method))].join(', ');
    request.resume();
    writeAdminError(response, requestId, new MethodNotAllowedError(request.method ?? '', path), { allow });
    return;
  }
  const { route, params } = chosen;
  let body: unknown;
  if (route.body) {
    body = await readJsonBody(request, gateway.config.server.max_body_bytes);
    if (body === undefined && route.body.required) {
      throw new InvalidRequestError('The request body is empty; expected a JSON object.', { code: 'invalid_json' });
    }
  } else {
    // Endpoints without a body ignore one, but it must still be drained for keep-alive.
    request.resume();
  }
  const result = await route.handle({ gateway, requestId, params, query, body });
  if (result.stream) await writeAdminStream(response, requestId, result.status, result.stream);
  else writeAdminJson(response, requestId, result.status, result.body);
}

/**
 * Everything under `/admin/api/v1`: admin-token authentication, JSON in and out, errors in
 * OpenAI's shape. Never rejects: an unexpected failure becomes a generic 500 and a log entry.
 */
export function handleAdminRequest(gateway: Gateway, request: IncomingMessage, response: ServerResponse): void {
  const requestId = randomUUID();
  serve(gateway, request, response, requestId).catch((error: unknown) => {
    const gatewayError = toGatewayError(error);
    if (gatewayError.status >= 500) gateway.logger.error({ requestId, err: error, path: request.url }, 'admin request failed');
    // Whatever of the body is unread is discarded so the connection stays usable.
    request.resume();
    writeAdminError(response, requestId, gatewayError);
  });
}
