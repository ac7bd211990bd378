import type { RequestContext } from '../../pipeline/request-context.js';
import { estimatedUsage } from '../../usage/estimate-tokens.js';
import { normalizeUsage, tokenCounts } from '../../usage/normalize-usage.js';
import { routeOfRequest } from '../../usage/route-of-request.js';
import { loadTokenizer } from '../../usage/tokenizer.js';
import type { EmbeddingCall } from './embedder.js';

/**
 * Puts the semantic cache's embedding of a prompt into the usage totals of the tenant whose
 * request caused it, under the embeddings model (and the route the client called), as a side
 * call: tokens and cost, not another request. Its cost joins the request's budget spend when it
 * is known before the request settles (a call that outlived its timeout still reaches usage).
 */
export async function recordEmbeddingUsage(context: RequestContext, call: EmbeddingCall, text: string): Promise<void> {
  const reported = call.usage;
  const usage = reported
    ? normalizeUsage({ prompt_tokens: reported.prompt_tokens, completion_tokens: 0, total_tokens: reported.total_tokens ?? reported.prompt_tokens })
    : estimatedUsage((await loadTokenizer())(text), 0);
  const counts = tokenCounts(usage);
  const { usage: service } = context.gateway;
  const cost = service.prices.cost(call, counts);
  if (cost) context.sideCostUsd = (context.sideCostUsd ?? 0) + cost.usd;
  service.recorder.record({
    atMs: Date.now(),
    keyId: context.principal?.key.id,
    teamId: context.principal?.team.id,
    route: routeOfRequest(context),
    provider: call.providerName,
    model: call.qualifiedModel,
    tokens: counts,
    estimated: reported === undefined,
    costUsd: cost?.usd ?? null,
    sideCall: true,
  });
}
