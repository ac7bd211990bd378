import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import type { Usage } from '../schema/chat-completion-response.js';
import { customCostHeader, parseCustomCost, type CustomCost } from './custom-cost-header.js';
import { countEmbeddingTokens, countPromptTokens, estimatedUsage } from './estimate-tokens.js';
import { normalizeUsage, tokenCounts } from './normalize-usage.js';
import { routeOfRequest } from './route-of-request.js';
import { completionText, StreamUsageObserver } from './stream-usage-observer.js';
import { loadTokenizer } from './tokenizer.js';

/** The caller's stated cost, read before the upstream call so a malformed header costs nothing. */
function readCustomCost(context: RequestContext): CustomCost | undefined {
  const header = context.request.headers[customCostHeader];
  if (typeof header !== 'string' || header === '') return undefined;
  if (!context.gateway.usage.customCostAllowed) {
    context.warnings.push(`${customCostHeader} was ignored: limits.custom_cost_header is off`);
    return undefined;
  }
  return parseCustomCost(header);
}

/**
 * The usage phase (DESIGN.md §2.3): once the response is complete — a stream included, also
 * when it failed or the client left — settles the request's usage (the provider's, else an
 * estimate marked as such), prices it, and hands it to the usage recorder. Runs inside the
 * limits stage, so its finisher runs first and the limits see usage and cost.
 */
export const meterUsage: Stage = async (context, next) => {
  const custom = readCustomCost(context);
  let observer: StreamUsageObserver | undefined;
  try {
    await next();
    const result = context.result;
    if (result?.kind === 'chat-stream') {
      observer = new StreamUsageObserver();
      context.result = { kind: 'chat-stream', chunks: observer.observe(result.chunks) };
    }
  } finally {
    context.finishers.push(() => settleUsage(context, observer, custom));
  }
};

async function settleUsage(context: RequestContext, observer: StreamUsageObserver | undefined, custom: CustomCost | undefined): Promise<void> {
  const { result, target } = context;
  // No answer at all (the call failed before one), or one no provider produced: nothing to account for.
  if (!result || !target || result.kind === 'json') return;
  let usage: Usage | undefined;
  let reportedModel: string | undefined;
  let estimate: (() => Promise<Usage>) | undefined;
  if (result.kind === 'chat') {
    usage = result.completion.usage ?? context.usage;
    reportedModel = result.completion.model;
    estimate = async () => {
      const count = await loadTokenizer();
      return estimatedUsage(countPromptTokens(count, context.chatRequest!), count(completionText(result.completion)));
    };
  } else if (result.kind === 'chat-stream') {
    usage = observer?.usage ?? context.usage;
    reportedModel = observer?.model;
    estimate = async () => {
      const count = await loadTokenizer();
      return estimatedUsage(countPromptTokens(count, context.chatRequest!), count(observer?.generatedText ?? ''));
    };
  } else {
    const reported = result.embeddings.usage;
    if (reported) usage = { prompt_tokens: reported.prompt_tokens, completion_tokens: 0, total_tokens: reported.total_tokens ?? reported.prompt_tokens };
    reportedModel = result.embeddings.model;
    estimate = async () => estimatedUsage(countEmbeddingTokens(await loadTokenizer(), context.embeddingsRequest!), 0);
  }
  context.usageEstimated = !usage;
  usage = usage ? normalizeUsage(usage) : await estimate();
  context.usage = usage;
  const counts = tokenCounts(usage);
  const { usage: service } = context.gateway;
  const call = { providerName: target.provider.name, qualifiedModel: target.qualifiedModel, upstreamModel: target.upstreamModel, reportedModel };
  context.cost = service.prices.cost(call, counts, custom);
  service.recorder.record({
    atMs: Date.now(),
    keyId: context.principal?.key.id,
    teamId: context.principal?.team.id,
    route: routeOfRequest(context),
    provider: target.provider.name,
    model: target.qualifiedModel,
    tokens: counts,
    estimated: context.usageEstimated,
    costUsd: context.cost?.usd ?? null,
  });
}
