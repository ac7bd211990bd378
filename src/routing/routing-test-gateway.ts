import type { RunningGateway } from '../server/start-gateway.js';
import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startTestGateway } from '../testing/start-test-gateway.js';

/** Test support for the routing end-to-end tests (not itself a test file). */
export const routingAdminToken = 'routing-admin-token';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // Tests read arbitrary fields; the shapes are asserted where they matter.
  json: any;
}

export interface RoutingFixture {
  gateway: RunningGateway;
  /** One fake OpenAI upstream per provider name; provider `name` calls it. */
  upstreams: Record<string, FakeUpstreamControls>;
  post(path: string, body: unknown, headers?: Record<string, string>, signal?: AbortSignal): Promise<Reply>;
  chat(model: string, headers?: Record<string, string>, extra?: Record<string, unknown>): Promise<Reply>;
  health(): Promise<Reply>;
  close(): Promise<void>;
}

async function reply(response: Response): Promise<Reply> {
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Fake upstreams named `names`, each an OpenAI provider of a test gateway with `routes`. */
export async function startRoutingFixture(names: string[], routes: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<RoutingFixture> {
  const upstreams: Record<string, FakeUpstreamControls> = {};
  for (const name of names) upstreams[name] = await startFakeOpenAIUpstream();
  const providers = Object.fromEntries(names.map((name) => [name, { type: 'openai', base_url: `${upstreams[name].url}/v1` }]));
  const gateway = await startTestGateway({ admin: { token: routingAdminToken }, providers, routes, ...extra });
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    reply(await fetch(`${gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal }));
  return {
    gateway,
    upstreams,
    post,
    chat: (model, headers = {}, extra = {}) => post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hello' }], ...extra }, headers),
    health: async () => reply(await fetch(`${gateway.url}/admin/api/v1/health`, { headers: { authorization: `Bearer ${routingAdminToken}` } })),
    async close() {
      await gateway.close();
      for (const upstream of Object.values(upstreams)) await upstream.close();
    },
  };
}

/** A failure for every request from now on (a provider that is down). */
export function failAlways(upstream: FakeUpstreamControls, status = 503): void {
  upstream.failNext(1_000_000, status, { error: { message: 'The server is overloaded.', type: 'server_error', param: null, code: null } });
}
