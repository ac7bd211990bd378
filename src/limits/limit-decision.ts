import type { GatewayError } from '../errors/gateway-errors.js';
import type { AcquireResult } from './limit-backend.js';
import { BudgetExceededError, RateLimitExceededError } from './limit-errors.js';
import type { LimitScope, LimitPlan, PlannedWindow } from './limit-rules.js';
import { rateLimitHeaders, tightest, type LimitStatus } from './rate-limit-headers.js';
import { elapsedInWindow, fits, fullResetMs, slidingUsage, waitUntilFits } from './sliding-window.js';

/** What the backend's answer means for the client: headers, and the refusal if any. */
export interface LimitVerdict {
  headers: Record<string, string>;
  refusal?: GatewayError;
  /** For the refusal event: which scope and rule refused. */
  refusedBy?: { scope: LimitScope; rule: string; retryAfterSeconds: number };
}

const ruleWords: Record<PlannedWindow['rule'], string> = {
  rpm: 'requests per minute',
  rpd: 'requests per day',
  tpm: 'tokens per minute',
  tpd: 'tokens per day',
};

export function describeScope(scope: LimitScope): string {
  return scope.kind === 'global' ? 'the gateway' : `${scope.kind} "${scope.name}"`;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

function windowStatuses(plan: LimitPlan, result: AcquireResult, unit: 'requests' | 'tokens'): LimitStatus[] {
  const statuses: LimitStatus[] = [];
  plan.windows.forEach((window, index) => {
    if (window.unit !== unit) return;
    const { windowMs, limit, cost, refuseWhenSpent } = window.check;
    const counts = result.windows[index];
    const elapsed = elapsedInWindow(result.nowMs, windowMs);
    const used = slidingUsage(counts, windowMs, elapsed);
    const blocked = !result.allowed && !fits(used, cost, limit, refuseWhenSpent);
    const resetMs = blocked ? waitUntilFits(counts, cost, limit, windowMs, elapsed) : fullResetMs(counts, windowMs, elapsed);
    statuses.push({ limit, remaining: limit - used, resetMs: Number.isFinite(resetMs) ? resetMs : windowMs });
  });
  return statuses;
}

/** Headers for the tightest limits and, when refused, the 429 that names what refused it. */
export function judge(plan: LimitPlan, result: AcquireResult): LimitVerdict {
  const headers = rateLimitHeaders(tightest(windowStatuses(plan, result, 'requests')), tightest(windowStatuses(plan, result, 'tokens')));
  if (result.allowed) return { headers };

  // A spent budget outranks a rate limit: waiting a minute will not help.
  const budgetIndex = plan.budgets.findIndex((budget, index) => result.spend[index] >= budget.check.limit);
  if (budgetIndex !== -1) {
    const { scope, period, check } = plan.budgets[budgetIndex];
    const retryAfterSeconds = seconds(period.endMs - result.nowMs);
    const message =
      `Budget exceeded: ${describeScope(scope)} spent $${result.spend[budgetIndex].toFixed(4)} of its $${check.limit} ` +
      `${period.period === 'day' ? 'daily' : `${period.period}ly`} budget; it renews at ${new Date(period.endMs).toISOString()}.`;
    return { headers, refusal: new BudgetExceededError(message, retryAfterSeconds), refusedBy: { scope, rule: `budget_${period.period}`, retryAfterSeconds } };
  }

  let waitMs = 0;
  let reason: { scope: LimitScope; rule: string; text: string } | undefined;
  for (const [index, window] of plan.windows.entries()) {
    const { windowMs, limit, cost, refuseWhenSpent } = window.check;
    const counts = result.windows[index];
    const elapsed = elapsedInWindow(result.nowMs, windowMs);
    const used = slidingUsage(counts, windowMs, elapsed);
    if (fits(used, cost, limit, refuseWhenSpent)) continue;
    const wait = waitUntilFits(counts, cost, limit, windowMs, elapsed);
    const text = Number.isFinite(wait)
      ? `${limit} ${ruleWords[window.rule]} (used ${Math.ceil(used)}, requested ${cost})`
      : `${limit} ${ruleWords[window.rule]}: this request alone needs ${cost} (prompt + max_tokens)`;
    const waitOrWindow = Number.isFinite(wait) ? wait : windowMs;
    if (!reason || waitOrWindow > waitMs) reason = { scope: window.scope, rule: window.rule, text };
    waitMs = Math.max(waitMs, waitOrWindow);
  }
  for (const [index, { scope, check }] of plan.concurrency.entries()) {
    if (result.inFlight[index] < check.limit) continue;
    // Slots free up when running requests finish, which cannot be predicted: try again soon.
    if (!reason) reason = { scope, rule: 'max_parallel', text: `${check.limit} requests in flight at once` };
    waitMs = Math.max(waitMs, 1000);
  }
  const retryAfterSeconds = seconds(waitMs);
  if (!reason) {
    // The backend refused, so some rule failed; this only guards against a disagreement at a
    // window edge between its arithmetic and ours.
    return { headers, refusal: new RateLimitExceededError(`Rate limit reached. Try again in ${retryAfterSeconds}s.`, retryAfterSeconds) };
  }
  const { scope, rule, text } = reason;
  const message = `Rate limit reached for ${describeScope(scope)}: ${text}. Try again in ${retryAfterSeconds}s.`;
  return { headers, refusal: new RateLimitExceededError(message, retryAfterSeconds), refusedBy: { scope, rule, retryAfterSeconds } };
}
