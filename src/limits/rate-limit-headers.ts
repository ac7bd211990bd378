/**
 * OpenAI's duration format for `x-ratelimit-reset-*`: `20ms`, `1s`, `1.5s`, `6m0s`, `1h2m3s`.
 */
export function formatResetDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const totalSeconds = Math.ceil(ms) / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Math.round((totalSeconds % 60) * 1000) / 1000;
  if (hours > 0) return `${hours}h${minutes}m${Math.floor(seconds)}s`;
  if (minutes > 0) return `${minutes}m${Math.floor(seconds)}s`;
  return `${seconds}s`;
}

/** One limit as a client sees it in the headers. */
export interface LimitStatus {
  limit: number;
  remaining: number;
  resetMs: number;
}

/**
 * The tightest of several limits: the one with the least remaining; on a tie, the smaller
 * limit (it empties faster), so the headers tell the client what will stop it first.
 */
export function tightest(statuses: readonly LimitStatus[]): LimitStatus | undefined {
  let best: LimitStatus | undefined;
  for (const status of statuses) {
    if (!best || status.remaining < best.remaining || (status.remaining === best.remaining && status.limit < best.limit)) best = status;
  }
  return best;
}

export function rateLimitHeaders(requests: LimitStatus | undefined, tokens: LimitStatus | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [unit, status] of [['requests', requests], ['tokens', tokens]] as const) {
    if (!status) continue;
    headers[`x-ratelimit-limit-${unit}`] = String(status.limit);
    headers[`x-ratelimit-remaining-${unit}`] = String(Math.max(0, Math.floor(status.remaining)));
    headers[`x-ratelimit-reset-${unit}`] = formatResetDuration(status.resetMs);
  }
  return headers;
}
