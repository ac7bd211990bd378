import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { buildLogRecord, logOptedOut } from './build-log-record.js';
import type { RequestLogConfig } from './request-log-config.js';
import { RequestLogWriter } from './request-log-writer.js';
import type { RequestLogRecord } from './request-log-record.js';

const dayMs = 86_400_000;

/** The request log: the batched writer and the background pruning that bounds the table. */
export class RequestLogService {
  readonly writer: RequestLogWriter;
  private readonly pruneTimer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> | undefined;

  constructor(
    readonly config: RequestLogConfig,
    private readonly store: Store,
    private readonly logger: Logger,
  ) {
    this.writer = new RequestLogWriter(store, logger, { queueSize: config.queue_size, batchSize: config.batch_size, flushIntervalMs: config.flush_interval_ms });
    if (config.enabled && (config.retention_days > 0 || config.max_rows > 0)) {
      this.pruneTimer = setInterval(() => void this.prune(), config.prune_interval_ms);
      this.pruneTimer.unref();
    }
  }

  /**
   * Called once the request is complete: builds the record (metrics use it even when the log is
   * off or the caller opted out) and queues it. A failure here must never reach the request.
   */
  record(context: RequestContext, error: unknown, now: number): RequestLogRecord | undefined {
    try {
      const stored = this.config.enabled && !logOptedOut(context);
      const record = buildLogRecord(context, error, now, stored ? this.config.bodies : 'off');
      if (stored) this.writer.record(record);
      return record;
    } catch (failure) {
      this.logger.error({ requestId: context.requestId, err: failure }, 'building the request log record failed');
      return undefined;
    }
  }

  /** Deletes records past retention; one pass at a time, failures only logged (the next pass retries). */
  prune(nowMs = Date.now()): Promise<void> {
    this.pruning ??= this.store
      .pruneRequestLogs({
        before: this.config.retention_days > 0 ? new Date(nowMs - this.config.retention_days * dayMs).toISOString() : undefined,
        keepRows: this.config.max_rows > 0 ? this.config.max_rows : undefined,
      })
      .then((deleted) => {
        if (deleted > 0) this.logger.info({ deleted }, 'request log pruned');
      })
      .catch((error: unknown) => this.logger.warn({ err: error }, 'pruning the request log failed'))
      .finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  async close(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.pruning;
    await this.writer.close();
  }
}
