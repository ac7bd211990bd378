import { createHash } from 'node:crypto';
import { encodeEmbeddingBase64 } from '../../schema/embeddings.js';
import { sendJson, startFakeUpstreamServer, type FakeUpstreamControls } from '../../testing/fake-upstream-server.js';
import { startFakeOpenAIUpstream } from '../../testing/fake-openai-upstream.js';
import { startTestGateway } from '../../testing/start-test-gateway.js';
import type { RunningGateway } from '../../server/start-gateway.js';
import type { SemanticCache } from './semantic-cache.js';

/** Test support for the semantic cache tests (not itself a test file). */

/** A prompt containing `phrase` is embedded as `vector` (the first phrase found wins). */
export interface ControlledVector {
  phrase: string;
  vector: number[];
}

export const dimensions = 64;

/**
 * Controlled vectors in a 64-d space. Dimensions 0–3 carry the test topics; any other text gets a
 * one-hot vector on a dimension from 8 up chosen by its hash, orthogonal to every topic vector.
 * Cosines against [1,0,0,0]: paraphrase 0.95, related 0.80.
 */
export const topics: ControlledVector[] = [
  { phrase: 'capital of France', vector: [1, 0, 0, 0] },
  { phrase: 'France capital city', vector: [0.95, Math.sqrt(1 - 0.95 ** 2), 0, 0] },
  { phrase: 'French capital population', vector: [0.8, 0.6, 0, 0] },
  { phrase: 'boil an egg', vector: [0, 0, 1, 0] },
  { phrase: 'cook an egg in water', vector: [0, 0, 0.97, Math.sqrt(1 - 0.97 ** 2)] },
];

function padded(vector: number[]): number[] {
  return [...vector, ...new Array<number>(dimensions - vector.length).fill(0)];
}

export function vectorOf(text: string, table: readonly ControlledVector[] = topics): number[] {
  const known = table.find((entry) => text.includes(entry.phrase));
  if (known) return padded(known.vector);
  const vector = new Array<number>(dimensions).fill(0);
  vector[8 + (createHash('sha256').update(text).digest().readUInt32BE(0) % (dimensions - 8))] = 1;
  return vector;
}

export interface FakeEmbeddingsOptions {
  /** Answer float lists even when base64 was asked (as some OpenAI-compatible servers do). */
  ignoreEncoding?: boolean;
  /** Answer without `usage` (some OpenAI-compatible servers report none). */
  omitUsage?: boolean;
}

/** OpenAI's POST /v1/embeddings with the controlled vectors, in base64 or floats as asked. */
export function startFakeEmbeddingsUpstream(options: FakeEmbeddingsOptions = {}): Promise<FakeUpstreamControls> {
  return startFakeUpstreamServer((request, response) => {
    const body = request.body as { model?: unknown; input?: unknown; encoding_format?: unknown } | undefined;
    if (request.path !== '/v1/embeddings' || request.method !== 'POST') {
      return sendJson(response, 404, { error: { message: `Invalid URL (${request.method} ${request.path})`, type: 'invalid_request_error', param: null, code: null } });
    }
    if (!body || typeof body !== 'object' || body.input === undefined || typeof body.model !== 'string') {
      return sendJson(response, 400, { error: { message: "'input' is a required property", type: 'invalid_request_error', param: 'input', code: null } });
    }
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    const base64 = body.encoding_format === 'base64' && !options.ignoreEncoding;
    const data = inputs.map((input, index) => {
      const vector = vectorOf(String(input));
      return { object: 'embedding', index, embedding: base64 ? encodeEmbeddingBase64(vector) : vector };
    });
    const tokens = inputs.reduce<number>((sum, input) => sum + String(input).split(' ').length, 0);
    sendJson(response, 200, { object: 'list', data, model: body.model, ...(options.omitUsage ? {} : { usage: { prompt_tokens: tokens, total_tokens: tokens } }) });
  });
}

export interface SemanticTestBed {
  chatUpstream: FakeUpstreamControls;
  embeddingsUpstream: FakeUpstreamControls;
  gateway: RunningGateway;
  /** Resolves once `count` vector-store writes (since start) have completed. */
  written(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fake OpenAI chat upstream (`fake`, answering "echo: <last user text>") and the fake
 * embeddings upstream (`vectors`). Route `semantic` caches with threshold 0.9 through
 * `vectors/test-embed`; route `twin` is the same but separate; `plain` has only the exact cache.
 */
export async function startSemanticTestBed(extra: Record<string, unknown> = {}, options: FakeEmbeddingsOptions = {}): Promise<SemanticTestBed> {
  const chatUpstream = await startFakeOpenAIUpstream();
  const embeddingsUpstream = await startFakeEmbeddingsUpstream(options);
  const semantic = { threshold: 0.9, embedding: 'vectors/test-embed' };
  const gateway = await startTestGateway({
    providers: {
      fake: { type: 'openai', base_url: `${chatUpstream.url}/v1` },
      vectors: { type: 'openai', base_url: `${embeddingsUpstream.url}/v1` },
    },
    routes: {
      semantic: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 60, semantic } },
      twin: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 60, semantic } },
      plain: { targets: [{ model: 'fake/gpt-4o-mini' }], cache: { ttl: 60 } },
    },
    ...extra,
  });
  return {
    chatUpstream,
    embeddingsUpstream,
    gateway,
    written: trackWrites(gateway.gateway.semanticCache),
    async close() {
      await gateway.close();
      await chatUpstream.close();
      await embeddingsUpstream.close();
    },
  };
}

/** Counts completed vector-store writes: an entry is written just after its response went out. */
export function trackWrites(cache: SemanticCache): (count: number) => Promise<void> {
  let completed = 0;
  const add = cache.add.bind(cache);
  cache.add = async (bucket, entry) => {
    try {
      await add(bucket, entry);
    } finally {
      completed += 1;
    }
  };
  return async (count) => {
    for (let waited = 0; completed < count; waited += 5) {
      if (waited > 10_000) throw new Error(`only ${completed} of ${count} semantic cache writes completed`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
}

export const embeddingRequests = (upstream: FakeUpstreamControls) => upstream.requests.filter((request) => request.path === '/v1/embeddings').length;
