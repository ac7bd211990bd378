import assert from 'node:assert/strict';
import type { RunningGateway } from '../server/start-gateway.js';
import { startTestGateway } from '../testing/start-test-gateway.js';

/** Test support for the admin API tests (not itself a test file). */
export const adminToken = 'test-admin-token';

export const testProviders = {
  openai: { type: 'openai', api_key: 'sk-upstream-config-key', base_url: 'http://127.0.0.1:9/v1', models: ['gpt-4o-mini'] },
  anthropic: { type: 'anthropic', base_url: 'http://127.0.0.1:9' },
};

/** `environment` stands in for process.env at start (SLUICE_MASTER_KEY). */
export function startAdminTestGateway(extra: Record<string, unknown> = {}, environment: NodeJS.ProcessEnv = {}): Promise<RunningGateway> {
  return startTestGateway(
    {
      admin: { token: adminToken },
      storage: 'memory',
      auth: { required: true },
      providers: testProviders,
      routes: { chat: { strategy: 'fallback', targets: [{ model: 'openai/gpt-4o-mini' }], timeout_ms: 1000 } },
      ...extra,
    },
    environment,
  );
}

export interface AdminReply {
  status: number;
  headers: Headers;
  text: string;
  // Tests read arbitrary fields; the shapes are asserted where they matter.
  json: any;
}

/**
 * One admin call. `body` is sent as JSON unless it is a string (sent as is); `token: null`
 * sends no Authorization header.
 */
export async function admin(
  gateway: RunningGateway,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = adminToken,
): Promise<AdminReply> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${gateway.url}/admin/api/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A data-plane call with a gateway key: the status tells whether the key authenticates. */
export async function dataPlaneStatus(gateway: RunningGateway, secret: string): Promise<number> {
  const response = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${secret}` } });
  await response.arrayBuffer();
  return response.status;
}

/** OpenAI's error shape, the request id, no stack trace. */
export function assertAdminError(reply: AdminReply, status: number, code?: string, param?: string | null): void {
  assert.equal(reply.status, status, reply.text);
  assert.deepEqual(Object.keys(reply.json.error).sort(), ['code', 'message', 'param', 'type']);
  if (code !== undefined) assert.equal(reply.json.error.code, code, reply.text);
  if (param !== undefined) assert.equal(reply.json.error.param, param, reply.text);
  assert.ok(reply.headers.get('x-sluice-request-id'), 'x-sluice-request-id');
  assert.doesNotMatch(reply.text, /at .*\.js:\d+/, 'no stack trace');
}

export function assertOk(reply: AdminReply, status = 200): void {
  assert.equal(reply.status, status, reply.text);
  assert.ok(reply.headers.get('x-sluice-request-id'), 'x-sluice-request-id');
  assert.equal(reply.headers.get('cache-control'), 'no-store');
}

/** A whole gateway key secret (`sk-sluice-` + 43 base64url characters), not the listed prefix. */
export const fullSecretPattern = /sk-sluice-[A-Za-z0-9_-]{43}/;
