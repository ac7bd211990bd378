import { z } from 'zod';
import { keyCreateInput, keyRotateInput, keyUpdateInput, parseInput } from '../tenancy/tenancy-inputs.js';
import { adminActor, type AdminRoute } from './admin-route.js';
import { deletedResponse, keyResponse, keyWithSecretResponse, listOf } from './response-schemas.js';

/** Strict, so a misspelt filter (`?teamid=`) fails instead of silently listing every key. */
const listKeysQuery = z.strictObject({ team_id: z.string().min(1).optional().describe('Only the keys of this team') });

export const keyRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/keys',
    operationId: 'listKeys',
    summary: 'List keys (never their secrets)',
    tag: 'keys',
    query: listKeysQuery,
    response: { status: 200, schema: listOf(keyResponse), name: 'KeyList', description: 'The keys' },
    errors: [400, 404],
    async handle({ gateway, query }) {
      const { team_id: teamId } = parseInput(listKeysQuery, query);
      // An unknown team is an error rather than an empty list, which would look like "no keys".
      if (teamId !== undefined) await gateway.tenancy.getTeam(teamId);
      return { status: 200, body: { data: await gateway.tenancy.listKeys(teamId === undefined ? {} : { teamId }) } };
    },
  },
  {
    method: 'POST',
    path: '/keys',
    operationId: 'createKey',
    summary: 'Create a key; the response is the only time its secret is shown',
    tag: 'keys',
    body: { schema: keyCreateInput, name: 'KeyCreateInput', required: true },
    response: { status: 201, schema: keyWithSecretResponse, name: 'KeyWithSecret', description: 'The new key and its secret' },
    errors: [400, 404, 409, 413],
    async handle({ gateway, body }) {
      return { status: 201, body: await gateway.tenancy.createKey(body, adminActor) };
    },
  },
  {
    method: 'GET',
    path: '/keys/{id}',
    operationId: 'getKey',
    summary: 'Get a key (never its secret)',
    tag: 'keys',
    response: { status: 200, schema: keyResponse, name: 'Key', description: 'The key' },
    errors: [404],
    async handle({ gateway, params }) {
      return { status: 200, body: await gateway.tenancy.getKey(params.id) };
    },
  },
  {
    method: 'PATCH',
    path: '/keys/{id}',
    operationId: 'updateKey',
    summary: "Change a key (only the fields given); its limits may not exceed its team's",
    tag: 'keys',
    body: { schema: keyUpdateInput, name: 'KeyUpdateInput', required: true },
    response: { status: 200, schema: keyResponse, name: 'Key', description: 'The key after the change' },
    errors: [400, 404, 409, 413],
    async handle({ gateway, params, body }) {
      return { status: 200, body: await gateway.tenancy.updateKey(params.id, body, adminActor) };
    },
  },
  {
    method: 'DELETE',
    path: '/keys/{id}',
    operationId: 'deleteKey',
    summary: 'Delete a key (prefer revoking: a revoked key stays listed)',
    tag: 'keys',
    response: { status: 200, schema: deletedResponse, name: 'Deleted', description: 'Deleted' },
    errors: [404],
    async handle({ gateway, params }) {
      await gateway.tenancy.deleteKey(params.id, adminActor);
      return { status: 200, body: { id: params.id, deleted: true } };
    },
  },
  {
    method: 'POST',
    path: '/keys/{id}/revoke',
    operationId: 'revokeKey',
    summary: 'Revoke a key: it stays listed but authenticates nothing',
    tag: 'keys',
    response: { status: 200, schema: keyResponse, name: 'Key', description: 'The revoked key' },
    errors: [404],
    async handle({ gateway, params }) {
      return { status: 200, body: await gateway.tenancy.revokeKey(params.id, adminActor) };
    },
  },
  {
    method: 'POST',
    path: '/keys/{id}/rotate',
    operationId: 'rotateKey',
    summary: 'Give a key a new secret; the old one keeps working for `grace_seconds`',
    tag: 'keys',
    body: { schema: keyRotateInput, name: 'KeyRotateInput', required: false },
    response: { status: 200, schema: keyWithSecretResponse, name: 'KeyWithSecret', description: 'The key and its new secret' },
    errors: [400, 404, 413],
    async handle({ gateway, params, body }) {
      return { status: 200, body: await gateway.tenancy.rotateKey(params.id, body, adminActor) };
    },
  },
];
