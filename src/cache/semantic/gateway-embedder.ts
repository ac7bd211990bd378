import type { CancelSignal } from '../../http/cancellation.js';
import type { Router } from '../../routing/router.js';
import type { CredentialPool } from '../../tenancy/credential-pool.js';
import { executePlan } from '../../routing/execute-plan.js';
import { createRequestFacts } from '../../routing/request-facts.js';
import type { AttemptRecord } from '../../routing/attempt-record.js';
import { decodeEmbeddingBase64, type EmbeddingsRequest } from '../../schema/embeddings.js';
import type { Embedder, EmbeddingCall } from './embedder.js';
import { toUnitVector } from './unit-vector.js';

export interface GatewayEmbedderDependencies {
  router: Router;
  credentials: CredentialPool;
}

/**
 * An embeddings model of the gateway's own config (a route or `provider/model`), called
 * in-process through the provider layer with the route's retries, breakers and fallback — not
 * over HTTP to ourselves. It uses the gateway's credentials, never the caller's own key: the
 * vector is the gateway's business, and a BYOK key must not be spent on it.
 */
export class GatewayEmbedder implements Embedder {
  readonly id: string;

  constructor(
    private readonly model: string,
    private readonly dependencies: GatewayEmbedderDependencies,
    private readonly timeoutMs: number,
  ) {
    this.id = `gateway:${model}`;
  }

  async embed(text: string, signal: CancelSignal, onCall?: (call: EmbeddingCall) => void): Promise<Float32Array> {
    const { router, credentials } = this.dependencies;
    // base64: a quarter of the bytes of a JSON float list, and what the OpenAI SDK asks for too.
    const request: EmbeddingsRequest = { model: this.model, input: text, encoding_format: 'base64' };
    const plan = router.plan(this.model, 'embeddings', createRequestFacts({ headers: {}, body: request }), {});
    const attempts: AttemptRecord[] = [];
    const { result, candidate } = await executePlan(plan, router, {
      signal,
      attempts,
      run: ({ target }) =>
        target.provider.embed(
          { ...request, ...(target.params ?? target.route?.target.params), model: target.upstreamModel },
          { signal, timeoutMs: this.timeoutMs, idleTimeoutMs: this.timeoutMs, apiKey: credentials.pick(target.provider.name), warn: () => undefined },
        ),
    });
    const { target } = candidate;
    onCall?.({ providerName: target.provider.name, qualifiedModel: target.qualifiedModel, upstreamModel: target.upstreamModel, reportedModel: result.model, usage: result.usage });
    const embedding = result.data[0]?.embedding;
    if (embedding === undefined) throw new Error(`the embeddings model "${this.model}" returned no vector`);
    return toUnitVector(typeof embedding === 'string' ? decodeEmbeddingBase64(embedding) : embedding);
  }
}
