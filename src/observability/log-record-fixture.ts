import type { RequestLogRecord } from './request-log-record.js';

/** A complete record for store and API tests; every field filled so a dropped column shows. */
export function logRecord(overrides: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    id: 'req-1',
    at: '2026-01-01T00:00:00.000Z',
    key_id: 'key-a',
    team_id: 'team-a',
    route: 'smart',
    provider: 'openai',
    model_requested: 'smart',
    model_served: 'openai/gpt-4o-mini',
    endpoint: 'chat',
    status: 200,
    error_code: null,
    latency_ms: 12.5,
    first_token_ms: 3.25,
    prompt_tokens: 10,
    completion_tokens: 20,
    cached_tokens: 2,
    reasoning_tokens: 1,
    usage_estimated: false,
    cost_usd: 0.0001,
    cache_status: 'MISS',
    attempts: [{ target: 'openai/gpt-4o-mini', route: 'smart', attempt: 1, outcome: 'success', status: 200, latencyMs: 11 }],
    guardrails: [{ policy: 'pii', type: 'pii', phase: 'request', outcome: 'redacted', entities: { email: 1 } }],
    metadata: { user: 'u-1', tier: 'gold', n: 3 },
    client_ip: '127.0.0.1',
    user_agent: 'test/1.0',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    request_body: '{"messages":[{"role":"user","content":"find the needle"}]}',
    response_body: null,
    cost_saved_usd: 0.0002,
    ...overrides,
  };
}
