import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chat, chatRequests } from '../cache-test-support.js';
import { startSemanticTestBed, type SemanticTestBed } from './semantic-test-support.js';

/**
 * The bundled offline model (@energetic-ai, Universal Sentence Encoder lite) for real: loading
 * it takes about a second, so its tests share this one file and one gateway. Measured cosines
 * against "What is the capital of France?": "Which city is France's capital?" 0.90, "How do I
 * bake sourdough bread?" 0.21.
 */
let bed: SemanticTestBed;
let writes = 0;
before(async () => {
  bed = await startSemanticTestBed({
    routes: { local: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 60, semantic: { threshold: 0.85, embedding: 'local' } } } },
  });
});
after(() => bed.close());

const ask = (text: string) => ({ model: 'local', messages: [{ role: 'user', content: text }] });

test('the local model: a paraphrase hits, an unrelated prompt misses', async () => {
  const first = await chat(bed.gateway, ask('What is the capital of France?'));
  assert.equal(first.cacheStatus, 'MISS');
  await bed.written((writes += 1));
  const calls = chatRequests(bed.chatUpstream);

  const response = await fetch(`${bed.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ask("Which city is France's capital?")),
  });
  const paraphrase = (await response.json()) as { id: string };
  assert.equal(response.headers.get('x-sluice-cache-status'), 'HIT');
  assert.equal(response.headers.get('x-sluice-cache-match'), 'semantic');
  const similarity = Number(response.headers.get('x-sluice-cache-similarity'));
  assert.ok(similarity >= 0.85 && similarity < 1, `similarity ${similarity}`);
  assert.equal(paraphrase.id, first.body.id);
  assert.equal(chatRequests(bed.chatUpstream), calls);

  const unrelated = await chat(bed.gateway, ask('How do I bake sourdough bread?'));
  assert.equal(unrelated.cacheStatus, 'MISS');
  assert.equal(unrelated.body.choices[0].message.content, 'echo: How do I bake sourdough bread?');
  // The local model needs no embeddings upstream.
  assert.equal(bed.embeddingsUpstream.requests.length, 0);
});
