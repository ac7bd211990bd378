import { UpstreamUnavailableError } from '../errors/gateway-errors.js';
import type { CancelSignal } from '../http/cancellation.js';
import type { AttemptRecord } from './attempt-record.js';
import type { BreakerStore } from './breaker-store.js';
import { classifyFailure, type Failure } from './classify-failure.js';
import type { Clock } from './clock.js';
import type { LatencyTracker } from './latency-tracker.js';
import type { PlannedTarget, RoutePlan } from './plan-route.js';
import { backoffDelayMs } from './retry-policy.js';

/** The long-lived state attempts read and update. */
export interface RoutingRuntime {
  readonly breakers: BreakerStore;
  readonly latency: LatencyTracker;
  readonly clock: Clock;
  random(): number;
}

export interface AttemptHooks<T> {
  /** The client's cancellation: ends pending attempts and backoff waits. */
  signal: CancelSignal;
  /** Appended to as attempts happen, so a failed request still has them for the log. */
  attempts: AttemptRecord[];
  /** One upstream call to `candidate` (for a stream: until the upstream accepted). */
  run(candidate: PlannedTarget): Promise<T>;
  /** An answer that is a content-policy refusal (`finish_reason: content_filter`). */
  isRefusal?(result: T): boolean;
  /** Told of each attempt as it is recorded, right after its call settled (tracing). */
  onAttempt?(record: AttemptRecord): void;
}

export interface Executed<T> {
  result: T;
  candidate: PlannedTarget;
}

type TargetOutcome<T> =
  | { kind: 'success'; result: T }
  | { kind: 'refused'; result: T }
  | { kind: 'skipped' }
  | { kind: 'failed'; error: unknown; failure: Failure };

/**
 * Fallback is routing (DESIGN.md §2.4): a loop over the plan's targets. A target is left for
 * the next one when its retries are spent on retryable errors, when the prompt did not fit
 * (only for a target with a larger declared context window), or when it refused on content
 * policy (if the route says so). Any other error is the request's own and goes to the client.
 */
export async function executePlan<T>(plan: RoutePlan, runtime: RoutingRuntime, hooks: AttemptHooks<T>): Promise<Executed<T>> {
  const failedTargets = new Set<string>();
  const skipped: PlannedTarget[] = [];
  let refused: Executed<T> | undefined;
  let lastError: unknown;
  let attempted = false;
  /** After a context-window error: the window a target must exceed to be worth trying. */
  let mustExceedWindow: number | undefined;

  for (const candidate of plan.targets) {
    const key = candidate.target.qualifiedModel;
    // The same target reached again through another nested route would fail the same way.
    if (failedTargets.has(key)) continue;
    if (mustExceedWindow !== undefined && !((candidate.contextWindow ?? 0) > mustExceedWindow)) continue;
    const outcome = await tryTarget(candidate, plan, runtime, hooks, candidate.retry.attempts, true);
    if (outcome.kind === 'success') return { result: outcome.result, candidate };
    if (outcome.kind === 'skipped') {
      skipped.push(candidate);
      continue;
    }
    attempted = true;
    if (outcome.kind === 'refused') {
      refused ??= { result: outcome.result, candidate };
      continue;
    }
    const { error, failure } = outcome;
    lastError = error;
    failedTargets.add(key);
    if (failure.contextWindow) {
      if (!plan.fallbackOnContextWindow) throw error;
      mustExceedWindow = Math.max(mustExceedWindow ?? 0, candidate.contextWindow ?? 0);
    } else if (failure.contentFilter) {
      if (!plan.fallbackOnContentFilter) throw error;
    } else if (!failure.retryable) {
      throw error;
    }
  }
  // A refusal is still an answer: better than an error from the targets after it.
  if (refused) return refused;
  if (!attempted && skipped.length > 0) {
    // Every breaker was open, so nothing was tried. One attempt each beats a certain error
    // (load balancers call this panic mode); a success closes that breaker.
    for (const candidate of skipped) {
      const outcome = await tryTarget(candidate, plan, runtime, hooks, 1, false);
      if (outcome.kind === 'success' || outcome.kind === 'refused') return { result: outcome.result, candidate };
      if (outcome.kind === 'failed') lastError = outcome.error;
    }
  }
  throw lastError ?? new UpstreamUnavailableError(plan.model, 'no target of this route can take the request');
}

/** Retries are transport: up to `maxAttempts` calls to one target, with backoff between them. */
async function tryTarget<T>(
  candidate: PlannedTarget,
  plan: RoutePlan,
  runtime: RoutingRuntime,
  hooks: AttemptHooks<T>,
  maxAttempts: number,
  consultBreaker: boolean,
): Promise<TargetOutcome<T>> {
  const key = candidate.target.qualifiedModel;
  const route = candidate.target.route?.name;
  const note = (attempt: number, outcome: AttemptRecord['outcome'], status: number | null, latencyMs: number, errorCode?: string) => {
    const record: AttemptRecord = { target: key, attempt, outcome, status, latencyMs: Math.round(latencyMs * 100) / 100 };
    if (route !== undefined) record.route = route;
    if (errorCode !== undefined) record.errorCode = errorCode;
    hooks.attempts.push(record);
    hooks.onAttempt?.(record);
  };
  let previous: { error: unknown; failure: Failure } | undefined;
  for (let attempt = 1; ; attempt++) {
    if (hooks.signal.aborted) throw hooks.signal.reason;
    if (candidate.breaker && consultBreaker) {
      const decision = await runtime.breakers.acquire(key, candidate.breaker, runtime.clock.now());
      if (decision === 'reject') {
        note(attempt, 'skipped', null, 0, 'circuit_open');
        // Opened between two attempts (by this request or another): stop retrying it.
        return previous ? { kind: 'failed', ...previous } : { kind: 'skipped' };
      }
    }
    const started = runtime.clock.now();
    try {
      const result = await hooks.run(candidate);
      const latencyMs = runtime.clock.now() - started;
      if (candidate.breaker) runtime.breakers.record(key, 'success', candidate.breaker, runtime.clock.now());
      runtime.latency.record(key, latencyMs, candidate.latencySmoothing);
      if (plan.fallbackOnContentFilter && hooks.isRefusal?.(result)) {
        note(attempt, 'failure', 200, latencyMs, 'content_filter');
        return { kind: 'refused', result };
      }
      note(attempt, 'success', 200, latencyMs);
      return { kind: 'success', result };
    } catch (error) {
      const latencyMs = runtime.clock.now() - started;
      if (hooks.signal.aborted) {
        // The client left: not the target's fault, so no breaker or latency update.
        note(attempt, 'aborted', null, latencyMs, 'client_disconnected');
        throw hooks.signal.reason ?? error;
      }
      const failure = classifyFailure(error, candidate.retry, runtime.clock.now());
      if (!failure) {
        note(attempt, 'failure', null, latencyMs, 'internal_error');
        throw error;
      }
      note(attempt, 'failure', failure.status, latencyMs, failure.code);
      // A 400 proves the target is up: only its own failures count against its breaker.
      if (candidate.breaker) runtime.breakers.record(key, failure.unhealthy ? 'failure' : 'success', candidate.breaker, runtime.clock.now());
      if (failure.unhealthy) runtime.latency.penalize(key, latencyMs, candidate.latencySmoothing);
      previous = { error, failure };
      if (!failure.retryable || attempt >= maxAttempts) return { kind: 'failed', error, failure };
      let delay = backoffDelayMs(candidate.retry, attempt, runtime.random);
      if (failure.retryAfterMs !== undefined) {
        // Waiting longer than the cap for this target is worse than trying the next one.
        if (failure.retryAfterMs > candidate.retry.maxRetryAfterMs) return { kind: 'failed', error, failure };
        delay = Math.max(delay, failure.retryAfterMs);
      }
      await runtime.clock.sleep(delay, hooks.signal);
    }
  }
}
