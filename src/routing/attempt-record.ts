/** One try at one target, kept on the request context for the log (issue 5, transparency). */
export interface AttemptRecord {
  /** `provider/model` tried. */
  target: string;
  /** The route holding the target (the innermost, for nested routes); absent for a direct call. */
  route?: string;
  /** 1 for the first attempt at this target, 2 for its first retry, … */
  attempt: number;
  /** skipped: its circuit breaker was open; aborted: the client went away meanwhile. */
  outcome: 'success' | 'failure' | 'skipped' | 'aborted';
  /** The upstream's HTTP status; null when none came (timeout, connection error, skipped). */
  status: number | null;
  latencyMs: number;
  errorCode?: string;
}

/** Attempts that reached (or tried to reach) an upstream: what `x-sluice-attempts` counts. */
export function countUpstreamAttempts(attempts: readonly AttemptRecord[]): number {
  let count = 0;
  for (const attempt of attempts) if (attempt.outcome !== 'skipped') count++;
  return count;
}
