import { startFakeOpenAIUpstream } from '../testing/fake-openai-upstream.js';
import type { FakeUpstreamControls } from '../testing/fake-upstream-server.js';
import { startTestGateway } from '../testing/start-test-gateway.js';
import type { RunningGateway } from '../server/start-gateway.js';

/** Test support for the cache tests (not itself a test file). */
export interface CacheTestBed {
  upstream: FakeUpstreamControls;
  gateway: RunningGateway;
  close(): Promise<void>;
}

/** A fake OpenAI behind route `cached` (ttl 60 s) and the uncached `fake/gpt-4o-mini`. */
export async function startCacheTestBed(extra: Record<string, unknown> = {}): Promise<CacheTestBed> {
  const upstream = await startFakeOpenAIUpstream();
  const gateway = await startTestGateway({
    providers: { fake: { type: 'openai', base_url: `${upstream.url}/v1` } },
    routes: { cached: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 60 } } },
    ...extra,
  });
  return {
    upstream,
    gateway,
    async close() {
      await gateway.close();
      await upstream.close();
    },
  };
}

export interface ChatReply {
  status: number;
  cacheStatus: string | null;
  body: any;
  /** The SSE data events (without [DONE]) for a stream. */
  events: any[];
}

export async function chat(gateway: RunningGateway, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<ChatReply> {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'cached', messages: [{ role: 'user', content: 'hello there' }], ...body }),
  });
  const text = await response.text();
  const isStream = (response.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const events = isStream
    ? text.split('\n\n').filter((event) => event.startsWith('data: ') && event !== 'data: [DONE]').map((event) => JSON.parse(event.slice(6)))
    : [];
  return { status: response.status, cacheStatus: response.headers.get('x-sluice-cache-status'), body: isStream ? undefined : JSON.parse(text), events };
}

/** The assistant text of a stream's events. */
export function streamedText(events: any[]): string {
  return events.flatMap((event) => event.choices ?? []).map((choice: any) => choice.delta?.content ?? '').join('');
}

export const chatRequests = (upstream: FakeUpstreamControls) => upstream.requests.filter((request) => request.path.endsWith('/chat/completions')).length;
