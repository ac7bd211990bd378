import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatCompletion } from '../schema/chat-completion-response.js';
import { chatChunkFrame, chatStreamEnd } from '../server/write-chat-stream.js';
import { chatRequests, startCacheTestBed, type CacheTestBed } from './cache-test-support.js';
import { chunksFromCompletion } from './replay-chat.js';

let bed: CacheTestBed;

before(async () => {
  bed = await startCacheTestBed({
    guardrails: { 'answer-pii': { type: 'pii', entities: ['email'], action: 'redact', apply_to: ['response'] } },
    routes: {
      cached: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 60 } },
      guarded: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 60 }, guardrails: ['answer-pii'] },
    },
  });
});
after(() => bed.close());

async function post(body: Record<string, unknown>): Promise<{ cacheStatus: string | null; contentType: string | null; text: string }> {
  const response = await fetch(`${bed.gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { cacheStatus: response.headers.get('x-sluice-cache-status'), contentType: response.headers.get('content-type'), text: await response.text() };
}

test('a streamed hit writes exactly the frames of the stored answer, with the usage chunk only when asked', async () => {
  const ask = { model: 'cached', messages: [{ role: 'user', content: 'prepared frames' }] };
  const miss = await post(ask);
  assert.equal(miss.cacheStatus, 'MISS');
  const stored = JSON.parse(miss.text) as ChatCompletion;
  const calls = chatRequests(bed.upstream);
  for (const includeUsage of [false, true, false]) {
    const hit = await post({ ...ask, stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) });
    assert.equal(hit.cacheStatus, 'HIT');
    assert.equal(hit.contentType, 'text/event-stream; charset=utf-8');
    const expected = [...chunksFromCompletion(stored)].map((chunk) => chatChunkFrame(chunk, includeUsage) ?? '').join('') + chatStreamEnd;
    assert.equal(hit.text, expected);
  }
  assert.equal(chatRequests(bed.upstream), calls);
});

test('with response guardrails on the route, a streamed hit is checked chunk by chunk, not sent as stored', async () => {
  const ask = { model: 'guarded', messages: [{ role: 'user', content: 'write to someone@example.com' }] };
  const miss = await post({ ...ask, stream: true });
  assert.equal(miss.cacheStatus, 'MISS');
  assert.doesNotMatch(miss.text, /someone@example\.com/);
  const hit = await post({ ...ask, stream: true });
  assert.equal(hit.cacheStatus, 'HIT');
  assert.match(hit.text, /data: \[DONE\]\n\n$/);
  assert.doesNotMatch(hit.text, /someone@example\.com/, 'the stored answer (before guardrails) holds the address; the hit must not');
});
