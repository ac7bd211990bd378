import type { Gateway } from '../gateway/gateway.js';
import type { RequestLogRecord } from './request-log-record.js';

/** Who made a request, as far as feedback needs to know. */
export type RequestOwner = Pick<RequestLogRecord, 'key_id' | 'team_id'>;

const pollMs = 200;

/**
 * How long feedback waits for its request's log record: two flush intervals cover a record
 * still queued on another instance sharing the store (a batch is written every interval),
 * bounded so an unknown id does not hold a connection for long.
 */
export function feedbackWaitMs(flushIntervalMs: number): number {
  return Math.min(10_000, Math.max(200, 2 * flushIntervalMs));
}

/**
 * The request's owner from this instance's log queue (not yet flushed) or the store. A record
 * queued on another instance shows up in the store within a flush interval, so the look-up
 * is repeated until `waitMs` has passed since `startedMs`.
 */
export async function findLoggedRequest(gateway: Gateway, requestId: string, startedMs: number, waitMs: number): Promise<RequestOwner | undefined> {
  for (;;) {
    const found = gateway.logs.writer.find(requestId) ?? (await gateway.store.getRequestLog(requestId));
    if (found) return { key_id: found.key_id, team_id: found.team_id };
    const remaining = startedMs + waitMs - Date.now();
    if (remaining <= 0) return undefined;
    await sleep(Math.min(pollMs, remaining));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
