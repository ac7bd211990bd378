import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { RequestLogRecord } from './request-log-record.js';

export interface RequestLogWriterOptions {
  /** Records held in memory at most; a record arriving beyond it is dropped and counted. */
  queueSize?: number;
  batchSize?: number;
  flushIntervalMs?: number;
}

/**
 * Takes request-log records off the request path (DESIGN.md §2.6): `record()` only appends to a
 * bounded array; a timer writes batches to the store. A failed batch goes back to the front of
 * the queue (as much as fits), so a store outage delays logs rather than losing them until the
 * queue is full — then new records are dropped and counted, never awaited, so requests don't
 * slow or fail. Unlike usage (summed per group), log records cannot be merged, hence the bound.
 */
export class RequestLogWriter {
  private queue: RequestLogRecord[] = [];
  /** The batch being written: out of the queue, not yet in the store. */
  private writing: readonly RequestLogRecord[] = [];
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;
  private readonly queueSize: number;
  private readonly batchSize: number;
  /** Records refused because the queue was full, since start. */
  dropped = 0;
  /** Records written to the store, since start. */
  written = 0;
  /** Batches the store refused, since start. */
  failedBatches = 0;
  /** Set by a failed write: only the timer retries, so a down store is not called at request rate. */
  private failing = false;

  constructor(
    private readonly store: Pick<Store, 'insertRequestLogs'>,
    private readonly logger: Logger,
    options: RequestLogWriterOptions = {},
  ) {
    this.queueSize = options.queueSize ?? 50_000;
    this.batchSize = options.batchSize ?? 1_000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.timer.unref();
  }

  get depth(): number {
    return this.queue.length;
  }

  /**
   * A record not yet in the store (queued or being written), by request id: feedback can arrive
   * before its request's batch is flushed. A scan, newest first: feedback is rare, and an index
   * would cost every request.
   */
  find(id: string): RequestLogRecord | undefined {
    for (let index = this.queue.length - 1; index >= 0; index--) if (this.queue[index]!.id === id) return this.queue[index];
    return this.writing.find((record) => record.id === id);
  }

  /** Never throws and never waits: the request has already been answered. */
  record(record: RequestLogRecord): void {
    if (this.queue.length >= this.queueSize) {
      // Logged sparsely: a full queue during an outage would otherwise flood the process log.
      if (this.dropped++ % 1000 === 0) this.logger.error({ dropped: this.dropped }, 'request log queue is full (store failing?): records dropped');
      return;
    }
    this.queue.push(record);
    // A full batch is written now rather than at the next tick, keeping the queue short under load.
    if (this.queue.length >= this.batchSize && !this.failing) void this.flush();
  }

  /** Writes everything queued, batch by batch; concurrent calls share one pass. */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.batchSize);
      this.writing = batch;
      try {
        await this.store.insertRequestLogs(batch);
        this.written += batch.length;
        this.failing = false;
      } catch (error) {
        this.failedBatches++;
        this.failing = true;
        this.logger.warn({ err: error, records: batch.length }, 'writing request logs to the store failed; retrying at the next flush');
        const room = Math.max(0, this.queueSize - this.queue.length);
        this.dropped += Math.max(0, batch.length - room);
        this.queue.unshift(...batch.slice(0, room));
        return;
      } finally {
        this.writing = [];
      }
    }
  }

  /** Stops the timer and writes what is queued; a failing store gets one more try, then gives up. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    if (this.queue.length > 0) await this.flush();
    if (this.queue.length > 0) this.logger.error({ lost: this.queue.length }, 'request log records could not be written before shutdown');
  }
}
