import { z } from 'zod';
import { limitsInput } from '../tenancy/tenancy-inputs.js';
import type { AdminRoute } from './admin-route.js';
import { auditEntryResponse, errorResponse, limitsResponse } from './response-schemas.js';

type JsonObject = Record<string, unknown>;

const errorDescriptions: Record<number, string> = {
  400: 'Invalid input; `error.param` names the offending field',
  401: 'Missing or invalid admin token',
  404: 'No such resource',
  409: 'The name is taken',
  413: 'The body exceeds server.max_body_bytes',
  429: 'Too many failed admin authentications from this address',
  500: 'Internal error (no detail is given; see the gateway log with x-sluice-request-id)',
};

const componentUri = (id: string) => `#/components/schemas/${id}`;

/** Adds a schema under a component name once; the same name for another schema is a bug. */
function register(registry: z.core.$ZodRegistry<{ id: string }>, schema: z.ZodType, id: string): void {
  if (!registry.has(schema)) registry.add(schema, { id });
}

/** zod writes each component as a standalone document; inside OpenAPI they need neither. */
function components(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output'): Record<string, JsonObject> {
  const { schemas } = z.toJSONSchema(registry, { io, uri: componentUri, target: 'draft-2020-12' });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _dialect, $id: _id, ...rest } = schema as JsonObject;
      return [id, rest];
    }),
  );
}

function queryParameters(route: AdminRoute): JsonObject[] {
  if (!route.query) return [];
  const schema = z.toJSONSchema(route.query, { io: 'input' }) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => {
    const { description, ...propertySchema } = property;
    return { name, in: 'query', required: schema.required?.includes(name) ?? false, ...(description !== undefined && { description }), schema: propertySchema };
  });
}

function pathParameters(route: AdminRoute): JsonObject[] {
  return [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
}

function jsonContent(id: string): JsonObject {
  return { 'application/json': { schema: { $ref: componentUri(id) } } };
}

function operation(route: AdminRoute): JsonObject {
  const errorStatuses = new Set([...(route.errors ?? []), ...(route.public ? [] : [401, 429]), 500]);
  const responses: JsonObject = {
    [String(route.response.status)]: { description: route.response.description, content: jsonContent(route.response.name) },
  };
  for (const status of [...errorStatuses].sort((a, b) => a - b)) responses[String(status)] = { description: errorDescriptions[status] ?? 'Error', content: jsonContent('Error') };
  const parameters = [...pathParameters(route), ...queryParameters(route)];
  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    ...(route.public && { security: [] }),
    ...(parameters.length > 0 && { parameters }),
    ...(route.body && { requestBody: { required: route.body.required, content: jsonContent(route.body.name) } }),
    responses,
  };
}

/**
 * OpenAPI 3.1 for the admin API, generated from the route table: request bodies from the same
 * zod schemas the service validates with, responses from the hand-written response schemas.
 * 3.1's schema dialect is JSON Schema 2020-12, which is what zod emits.
 */
export function buildOpenApiDocument(routes: readonly AdminRoute[]): JsonObject {
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  // Shared parts first, so the schemas that contain them refer to one component.
  register(inputs, limitsInput, 'LimitsInput');
  register(outputs, errorResponse, 'Error');
  register(outputs, limitsResponse, 'Limits');
  register(outputs, auditEntryResponse, 'AuditEntry');
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    if (route.body) register(inputs, route.body.schema, route.body.name);
    register(outputs, route.response.schema, route.response.name);
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  const schemas = { ...components(outputs, 'output'), ...components(inputs, 'input') };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sluice admin API',
      version: '1',
      description:
        'Teams, keys, provider credentials, routes, audit log and health. Every change is recorded in the audit log with actor `admin-token`. ' +
        'One admin token administers every team: isolation between tenants is enforced on the data plane, not here. ' +
        'This document itself is served without authentication; it describes the API and holds no secrets.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/admin/api/v1' }],
    security: [{ adminToken: [] }],
    tags: [...new Set(routes.map((route) => route.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'The admin token (admin.token in the config)' } },
      schemas,
    },
  };
}
