import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Logger } from 'pino';

/** One warning per this interval at most: a collector that is down must not flood the log. */
const reportIntervalMs = 60_000;

/**
 * An exporter that says when exports fail. The SDK reports them only through its global
 * diagnostic logger, which the gateway leaves alone (it belongs to whatever process embeds it).
 * The collector's headers (credentials) are never logged.
 */
export class ReportingSpanExporter implements SpanExporter {
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private droppedSinceReport = 0;
  failedExports = 0;

  constructor(
    private readonly inner: SpanExporter,
    private readonly logger: Logger,
    private readonly url: string,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.report(result.error, spans.length);
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  private report(error: Error | undefined, spanCount: number): void {
    this.failedExports++;
    this.droppedSinceReport += spanCount;
    const now = Date.now();
    if (now - this.lastReportAt < reportIntervalMs) return;
    this.lastReportAt = now;
    this.logger.warn({ collector: this.url, droppedSpans: this.droppedSinceReport, reason: error?.message ?? 'unknown' }, 'tracing: span export failed; spans dropped');
    this.droppedSinceReport = 0;
  }
}
