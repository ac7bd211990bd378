import type { RequestContext } from '../pipeline/request-context.js';
import { allowsCallerKey, providerCallFor, requestTimeoutMs } from '../pipeline/provider-call.js';
import type { Provider, ProviderCall } from '../providers/provider.js';
import type { ChatCompletion } from '../schema/chat-completion-response.js';
import { countUpstreamAttempts } from './attempt-record.js';
import { executePlan } from './execute-plan.js';
import type { Operation, PlannedTarget, RoutePlan } from './plan-route.js';
import { createRequestFacts } from './request-facts.js';
import { parseRetryOverrides } from './request-overrides.js';

/** What the request needs from its targets' providers. */
export function operationOf(context: RequestContext): Operation {
  if (context.embeddingsRequest) return 'embeddings';
  return context.chatRequest?.stream ? 'stream' : 'chat';
}

/**
 * Plans the request's targets (resolve-target stage). Routing headers are read here, before any
 * upstream call, so a malformed one is a plain 400.
 */
export function planRequest(context: RequestContext, model: string): RoutePlan {
  const { headers } = context.request;
  const overrides = parseRetryOverrides(headers);
  requestTimeoutMs(context);
  const body = (context.chatRequest ?? context.embeddingsRequest) as Record<string, unknown> | undefined;
  const facts = createRequestFacts({ headers, principal: context.principal, body, bodyBytes: context.body?.length });
  return confineCallerKey(context, context.gateway.router.plan(model, operationOf(context), facts, overrides));
}

/**
 * A caller's own provider key (BYOK) is valid at one vendor: falling back must never hand it
 * to another. Targets that would receive it are kept only for the first such target's provider;
 * targets that use the gateway's own credentials stay.
 */
function confineCallerKey(context: RequestContext, plan: RoutePlan): RoutePlan {
  if (!context.callerProviderKey) return plan;
  const { config } = context.gateway;
  const receivesKey = (candidate: PlannedTarget) => allowsCallerKey(config, candidate.target.route, candidate.target.provider.name);
  const keyProvider = plan.targets.find(receivesKey)?.target.provider.name;
  if (keyProvider === undefined) return plan;
  return { ...plan, targets: plan.targets.filter((candidate) => !receivesKey(candidate) || candidate.target.provider.name === keyProvider) };
}

/** x-sluice-route (the route called), -provider and -model (the target that answered or failed last), -attempts. */
export function setRoutingHeaders(context: RequestContext, plan: RoutePlan): void {
  const headers = context.responseHeaders;
  if (plan.route !== undefined) headers['x-sluice-route'] = plan.route;
  if (context.target) {
    headers['x-sluice-provider'] = context.target.provider.name;
    headers['x-sluice-model'] = context.target.qualifiedModel;
  }
  headers['x-sluice-attempts'] = String(countUpstreamAttempts(context.attempts));
}

/**
 * Runs `call` against the plan's targets with retries, breakers and fallback. Before each
 * attempt `context.target` points at the candidate, so the provider call (credential, timeout)
 * and later stages (usage, logs) see the target actually used.
 */
export async function runRoute<T>(
  context: RequestContext,
  call: (provider: Provider, providerCall: ProviderCall) => Promise<T>,
  isRefusal?: (result: T) => boolean,
): Promise<T> {
  const model = context.chatRequest?.model ?? context.embeddingsRequest?.model ?? '';
  const plan = context.routePlan ?? planRequest(context, model);
  const { tracing } = context.gateway;
  try {
    const { result, candidate } = await executePlan(plan, context.gateway.router, {
      signal: (context.upstreamAbort ?? context.abort).signal,
      attempts: context.attempts,
      isRefusal,
      run: (candidate) => {
        context.target = candidate.target;
        const providerCall = providerCallFor(context);
        if (!tracing) return call(candidate.target.provider, providerCall);
        // Each attempt is a client span, and the upstream is told that span is its parent.
        return tracing.traceAttempt(context, (traceHeaders) => call(candidate.target.provider, { ...providerCall, traceHeaders }));
      },
      onAttempt: tracing && ((record) => tracing.attemptRecorded(context, record)),
    });
    context.target = candidate.target;
    return result;
  } finally {
    setRoutingHeaders(context, plan);
    // Skipping an open breaker's target is routine (the health endpoint shows it); a retry or a
    // fallback is worth a line in the log.
    if (countUpstreamAttempts(context.attempts) > 1) {
      context.logger.info({ requestId: context.requestId, route: plan.route, attempts: context.attempts }, 'routing: retried or fell back');
    }
  }
}

/** Every choice was stopped by the provider's content filter (Azure, Gemini SAFETY, Anthropic refusal). */
export function isContentFilterRefusal(completion: ChatCompletion): boolean {
  return completion.choices.length > 0 && completion.choices.every((choice) => choice.finish_reason === 'content_filter');
}
