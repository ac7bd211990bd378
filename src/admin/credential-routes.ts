import { z } from 'zod';
import type { Gateway } from '../gateway/gateway.js';
import { credentialCreateInput, parseInput } from '../tenancy/tenancy-inputs.js';
import { adminActor, type AdminRoute } from './admin-route.js';
import { credentialResponse, deletedResponse, listOf } from './response-schemas.js';

const listCredentialsQuery = z.strictObject({ provider: z.string().min(1).optional().describe('Only the credentials of this provider') });

/**
 * This instance uses a change at once; other instances pick it up on their refresh interval.
 * The change itself is already stored, so a failed reload is logged rather than failing the call.
 */
async function reloadCredentials(gateway: Gateway, requestId: string): Promise<void> {
  try {
    await gateway.credentials.load();
  } catch (error) {
    gateway.logger.warn({ requestId, err: error }, 'reloading provider credentials after an admin change failed');
  }
}

export const credentialRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/credentials',
    operationId: 'listCredentials',
    summary: 'List stored provider credentials (never their API keys)',
    tag: 'credentials',
    query: listCredentialsQuery,
    response: { status: 200, schema: listOf(credentialResponse), name: 'CredentialList', description: 'The credentials' },
    errors: [400],
    async handle({ gateway, query }) {
      const { provider } = parseInput(listCredentialsQuery, query);
      return { status: 200, body: { data: await gateway.tenancy.listCredentials(provider) } };
    },
  },
  {
    method: 'POST',
    path: '/credentials',
    operationId: 'createCredential',
    summary: 'Store a provider API key, encrypted with SLUICE_MASTER_KEY (400 `master_key_missing` without it)',
    tag: 'credentials',
    body: { schema: credentialCreateInput, name: 'CredentialCreateInput', required: true },
    response: { status: 201, schema: credentialResponse, name: 'Credential', description: 'The stored credential, without its API key' },
    errors: [400, 409, 413],
    async handle({ gateway, body, requestId }) {
      const credential = await gateway.tenancy.createCredential(body, Object.keys(gateway.config.providers), adminActor);
      await reloadCredentials(gateway, requestId);
      return { status: 201, body: credential };
    },
  },
  {
    method: 'DELETE',
    path: '/credentials/{id}',
    operationId: 'deleteCredential',
    summary: 'Delete a stored provider credential',
    tag: 'credentials',
    response: { status: 200, schema: deletedResponse, name: 'Deleted', description: 'Deleted' },
    errors: [404],
    async handle({ gateway, params, requestId }) {
      await gateway.tenancy.deleteCredential(params.id, adminActor);
      await reloadCredentials(gateway, requestId);
      return { status: 200, body: { id: params.id, deleted: true } };
    },
  },
];
