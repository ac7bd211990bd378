import type { RequestLogRecord } from '../observability/request-log-record.js';

/** The shape of the synthetic traffic, shared by the generator and the queries that probe it. */
export const syntheticTraffic = {
  keys: 2_000,
  teams: 50,
  users: 10_000,
  /** Rows span this many days back from `endMs`, evenly spaced. */
  days: 30,
  endMs: Date.UTC(2026, 10, 1),
  routes: ['chat', 'smart', 'cheap', 'embed', null, null] as const,
  targets: [
    ['openai', 'gpt-4o-mini', 'gpt-4o-mini-2024-07-18'],
    ['openai', 'gpt-4o', 'gpt-4o-2024-08-06'],
    ['anthropic', 'claude-3-5-haiku-latest', 'claude-3-5-haiku-20241022'],
    ['anthropic', 'claude-sonnet-4-5', 'claude-sonnet-4-5-20250929'],
    ['gemini', 'gemini-2.0-flash', 'gemini-2.0-flash'],
    ['local', 'llama3', 'llama3:8b'],
  ] as const,
};

/** A small fast PRNG (mulberry32): the same rows on every run, no crypto cost per row. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hex = (random: () => number, length: number) => {
  let text = '';
  while (text.length < length) text += Math.floor(random() * 4_294_967_296).toString(16).padStart(8, '0');
  return text.slice(0, length);
};

/** Status mix of a busy gateway: mostly 200, some client errors, limits, upstream failures. */
function statusOf(draw: number): { status: number; error: string | null } {
  if (draw < 0.93) return { status: 200, error: null };
  if (draw < 0.955) return { status: 429, error: 'rate_limit_exceeded' };
  if (draw < 0.97) return { status: 400, error: 'invalid_request_error' };
  if (draw < 0.98) return { status: 401, error: 'invalid_api_key' };
  if (draw < 0.99) return { status: 502, error: 'upstream_error' };
  if (draw < 0.997) return { status: 504, error: 'upstream_timeout' };
  return { status: 500, error: 'internal_error' };
}

/**
 * Row `index` of `total` of realistic metadata-only traffic (bodies off, the default): keys
 * belong to teams, a share of requests go through routes with fallbacks, cache hits, streams
 * with first-token times, metadata with a user, an environment and a feature.
 */
export function syntheticLogRow(index: number, total: number, ids: 'time-ordered' | 'random' = 'time-ordered'): RequestLogRecord {
  const random = randomSource(index * 2_654_435_761 + 1);
  const spanMs = syntheticTraffic.days * 86_400_000;
  const atMs = syntheticTraffic.endMs - spanMs + Math.floor((index * spanMs) / total);
  const keyNumber = Math.floor(random() ** 2 * syntheticTraffic.keys);
  const [provider, model, snapshot] = syntheticTraffic.targets[Math.floor(random() * syntheticTraffic.targets.length)]!;
  const route = syntheticTraffic.routes[Math.floor(random() * syntheticTraffic.routes.length)]!;
  const { status, error } = statusOf(random());
  const embeddings = route === 'embed';
  const stream = !embeddings && random() < 0.4;
  const cacheDraw = random();
  const cacheStatus = cacheDraw < 0.6 ? null : cacheDraw < 0.7 ? 'HIT' : cacheDraw < 0.95 ? 'MISS' : 'BYPASS';
  const answered = status === 200 && cacheStatus !== 'HIT';
  const latency = cacheStatus === 'HIT' ? 0.4 + random() : 80 + random() * 4_000;
  const promptTokens = 20 + Math.floor(random() * 3_000);
  const completionTokens = embeddings ? 0 : Math.floor(random() * 800);
  const fallback = route !== null && random() < 0.05;
  const attempts: RequestLogRecord['attempts'] = [];
  if (fallback) attempts.push({ target: 'openai/gpt-4o', route, attempt: 1, outcome: 'failure', status: 503, latencyMs: 30 + random() * 100, errorCode: 'upstream_error' });
  if (cacheStatus !== 'HIT' && status !== 401 && status !== 429) {
    attempts.push({ target: `${provider}/${model}`, ...(route ? { route } : {}), attempt: 1, outcome: status === 200 ? 'success' : 'failure', status: status === 504 ? null : status, latencyMs: latency * 0.95 });
  }
  return {
    // The gateway's ids are UUID v7 (time first, src/server/new-request-id.ts); `random` is v4, as before.
    id: ids === 'random'
      ? `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`
      : `${atMs.toString(16).padStart(12, '0').replace(/^(.{8})/, '$1-')}-7${hex(random, 3)}-a${hex(random, 3)}-${hex(random, 12)}`,
    at: new Date(atMs).toISOString(),
    key_id: status === 401 ? null : `key-${keyNumber}`,
    team_id: status === 401 ? null : `team-${keyNumber % syntheticTraffic.teams}`,
    route,
    provider: status === 401 ? null : provider,
    model_requested: route ?? `${provider}/${model}`,
    model_served: status === 401 ? null : `${provider}/${answered ? snapshot : model}`,
    endpoint: embeddings ? 'embeddings' : 'chat',
    status,
    error_code: error,
    latency_ms: Math.round(latency * 1000) / 1000,
    first_token_ms: answered ? Math.round((stream ? latency * 0.2 : latency * 0.98) * 1000) / 1000 : null,
    prompt_tokens: status === 200 ? promptTokens : null,
    completion_tokens: status === 200 ? completionTokens : null,
    cached_tokens: status === 200 && random() < 0.2 ? Math.floor(promptTokens / 2) : null,
    reasoning_tokens: null,
    usage_estimated: status === 200 ? stream && random() < 0.1 : null,
    cost_usd: status === 200 && cacheStatus !== 'HIT' ? Math.round((promptTokens * 0.15 + completionTokens * 0.6) * 1e3) / 1e12 : null,
    cost_saved_usd: status === 200 && cacheStatus === 'HIT' ? Math.round((promptTokens * 0.15 + completionTokens * 0.6) * 1e3) / 1e12 : null,
    cache_status: cacheStatus,
    attempts,
    guardrails: random() < 0.02 ? [{ policy: 'pii', type: 'pii', phase: 'request', outcome: 'redacted', entities: { email: 1 } }] : [],
    metadata: {
      user: `u-${Math.floor(random() * syntheticTraffic.users)}`,
      env: random() < 0.8 ? 'prod' : 'staging',
      feature: ['search', 'summarize', 'chat', 'extract'][Math.floor(random() * 4)]!,
    },
    client_ip: `10.${Math.floor(random() * 4)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`,
    user_agent: random() < 0.7 ? 'OpenAI/Python 1.54.0' : 'AsyncAnthropic/Python 0.40.0',
    trace_id: hex(random, 32),
    request_body: null,
    response_body: null,
  };
}
