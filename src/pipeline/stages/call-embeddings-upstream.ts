import { performance } from 'node:perf_hooks';
import type { Stage } from '../compose-stages.js';
import { providerCallFor } from '../provider-call.js';

export const callEmbeddingsUpstream: Stage = async (context, next) => {
  const request = { ...context.embeddingsRequest!, model: context.target!.upstreamModel };
  const embeddings = await context.target!.provider.embed(request, providerCallFor(context));
  context.timing.upstreamHeadersMs = performance.now() - context.startedAt;
  context.result = { kind: 'embeddings', embeddings };
  await next();
};
