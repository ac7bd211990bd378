import { performance } from 'node:perf_hooks';
import type { Stage } from '../compose-stages.js';
import { runRoute } from '../../routing/run-route.js';

export const callEmbeddingsUpstream: Stage = async (context, next) => {
  // Through the same route executor as chat; per-target params (e.g. dimensions) apply here too.
  const embeddings = await runRoute(context, (provider, call) => {
    const target = context.target!;
    return provider.embed({ ...context.embeddingsRequest!, ...(target.params ?? target.route?.target.params), model: target.upstreamModel }, call);
  });
  context.timing.upstreamHeadersMs = performance.now() - context.startedAt;
  context.result = { kind: 'embeddings', embeddings };
  await next();
};
