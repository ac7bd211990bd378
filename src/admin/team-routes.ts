import { teamCreateInput, teamUpdateInput } from '../tenancy/tenancy-inputs.js';
import { adminActor, type AdminRoute } from './admin-route.js';
import { deletedResponse, listOf, teamResponse } from './response-schemas.js';

export const teamRoutes: AdminRoute[] = [
  {
    method: 'GET',
    path: '/teams',
    operationId: 'listTeams',
    summary: 'List teams',
    tag: 'teams',
    response: { status: 200, schema: listOf(teamResponse), name: 'TeamList', description: 'All teams' },
    async handle({ gateway }) {
      return { status: 200, body: { data: await gateway.tenancy.listTeams() } };
    },
  },
  {
    method: 'POST',
    path: '/teams',
    operationId: 'createTeam',
    summary: 'Create a team',
    tag: 'teams',
    body: { schema: teamCreateInput, name: 'TeamCreateInput', required: true },
    response: { status: 201, schema: teamResponse, name: 'Team', description: 'The new team' },
    errors: [400, 409, 413],
    async handle({ gateway, body }) {
      return { status: 201, body: await gateway.tenancy.createTeam(body, adminActor) };
    },
  },
  {
    method: 'GET',
    path: '/teams/{id}',
    operationId: 'getTeam',
    summary: 'Get a team',
    tag: 'teams',
    response: { status: 200, schema: teamResponse, name: 'Team', description: 'The team' },
    errors: [404],
    async handle({ gateway, params }) {
      return { status: 200, body: await gateway.tenancy.getTeam(params.id) };
    },
  },
  {
    method: 'PATCH',
    path: '/teams/{id}',
    operationId: 'updateTeam',
    summary: 'Change a team (only the fields given; `limits` fields are merged)',
    tag: 'teams',
    body: { schema: teamUpdateInput, name: 'TeamUpdateInput', required: true },
    response: { status: 200, schema: teamResponse, name: 'Team', description: 'The team after the change' },
    errors: [400, 404, 409, 413],
    async handle({ gateway, params, body }) {
      return { status: 200, body: await gateway.tenancy.updateTeam(params.id, body, adminActor) };
    },
  },
  {
    method: 'DELETE',
    path: '/teams/{id}',
    operationId: 'deleteTeam',
    summary: 'Delete a team and all its keys',
    tag: 'teams',
    response: { status: 200, schema: deletedResponse, name: 'Deleted', description: 'Deleted' },
    errors: [404],
    async handle({ gateway, params }) {
      await gateway.tenancy.deleteTeam(params.id, adminActor);
      return { status: 200, body: { id: params.id, deleted: true } };
    },
  },
];
