import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningGateway } from '../server/start-gateway.js';
import { admin, assertOk, startAdminTestGateway } from './admin-test-client.js';

let gateway: RunningGateway;

before(async () => {
  gateway = await startAdminTestGateway();
});

after(async () => {
  await gateway.close();
});

const expected: Record<string, string[]> = {
  '/teams': ['get', 'post'],
  '/teams/{id}': ['delete', 'get', 'patch'],
  '/keys': ['get', 'post'],
  '/keys/{id}': ['delete', 'get', 'patch'],
  '/keys/{id}/revoke': ['post'],
  '/keys/{id}/rotate': ['post'],
  '/credentials': ['get', 'post'],
  '/credentials/{id}': ['delete'],
  '/usage': ['get'],
  '/usage/budgets': ['get'],
  '/logs': ['get'],
  '/logs/export': ['get'],
  '/logs/{id}': ['get'],
  '/analytics': ['get'],
  '/alerts/deliveries': ['get'],
  '/cache/purge': ['post'],
  '/cache/stats': ['get'],
  '/audit': ['get'],
  '/health': ['get'],
  '/routes': ['get'],
  '/openapi.json': ['get'],
};

/** Every `$ref` in the document, wherever it is. */
function references(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) references(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else references(item, found);
    }
  }
  return found;
}

test('openapi.json is OpenAPI 3.1 and lists every path and method', async () => {
  const reply = await admin(gateway, 'GET', '/openapi.json', undefined, null);
  assertOk(reply);
  const document = JSON.parse(reply.text);
  assert.equal(document.openapi, '3.1.0');
  assert.deepEqual(document.servers, [{ url: '/admin/api/v1' }]);
  assert.deepEqual(Object.keys(document.paths).sort(), Object.keys(expected).sort());
  for (const [path, methods] of Object.entries(expected)) {
    assert.deepEqual(Object.keys(document.paths[path]).sort(), methods, path);
    for (const method of methods) {
      const operation = document.paths[path][method];
      assert.ok(operation.operationId && operation.summary, `${method} ${path} described`);
      assert.ok(Object.keys(operation.responses).some((status) => status.startsWith('2')), `${method} ${path} has a success response`);
    }
  }
  assert.deepEqual(document.paths['/openapi.json'].get.security, [], 'the document itself is public');
  assert.deepEqual(document.security, [{ adminToken: [] }]);
});

test('request bodies come from the zod input schemas and every $ref resolves', async () => {
  const document = (await admin(gateway, 'GET', '/openapi.json', undefined, null)).json;
  const schemas = document.components.schemas;
  for (const reference of references(document)) {
    assert.match(reference, /^#\/components\/schemas\//);
    assert.ok(schemas[reference.split('/').pop() as string], `${reference} resolves`);
  }
  const teamCreate = schemas.TeamCreateInput;
  assert.deepEqual(teamCreate.required, ['name']);
  assert.equal(teamCreate.additionalProperties, false);
  assert.equal(teamCreate.properties.limits.$ref, '#/components/schemas/LimitsInput');
  assert.deepEqual(schemas.KeyRotateInput.properties.grace_seconds.default, 0);
  assert.deepEqual(schemas.CredentialCreateInput.required.sort(), ['api_key', 'name', 'provider']);
  assert.equal(document.paths['/keys'].post.requestBody.content['application/json'].schema.$ref, '#/components/schemas/KeyCreateInput');
  assert.equal(document.paths['/keys'].post.responses['201'].content['application/json'].schema.$ref, '#/components/schemas/KeyWithSecret');
  assert.ok(!('secret_hash' in schemas.Key.properties));
  assert.ok(!('encrypted_secret' in schemas.Credential.properties));
  const auditParameters = document.paths['/audit'].get.parameters.map((parameter: { name: string; in: string }) => `${parameter.in}:${parameter.name}`);
  assert.deepEqual(auditParameters.sort(), ['query:before', 'query:limit']);
  const keyParameters = document.paths['/keys/{id}'].get.parameters;
  assert.deepEqual(keyParameters, [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
});
