import type { Stage } from '../pipeline/compose-stages.js';
import type { RequestContext } from '../pipeline/request-context.js';
import type { AttemptRecord } from '../routing/attempt-record.js';

export type Pipeline = (context: RequestContext) => Promise<void>;

/**
 * OpenTelemetry tracing as the data plane uses it. Only types here: the gateway holds an
 * implementation (src/tracing/otel-request-tracing.ts, loaded on demand) only when
 * `tracing.enabled`, and every call site checks for it, so tracing off costs a property read.
 */
export interface RequestTracing {
  /** The pipeline inside a SERVER span that continues the caller's trace and ends with the response. */
  tracePipeline(pipeline: Pipeline): Pipeline;
  /** The stage inside its own span, named `name`, a child of the stage that called it. */
  traceStage(name: string, stage: Stage): Stage;
  /**
   * One upstream attempt inside a CLIENT span. `call` receives the trace headers to send
   * upstream, which name that span as the parent.
   */
  traceAttempt<T>(context: RequestContext, call: (traceHeaders: Record<string, string>) => Promise<T>): Promise<T>;
  /** What the route executor recorded of the attempt (status, retry number, error code). */
  attemptRecorded(context: RequestContext, record: AttemptRecord): void;
  /** Exports every ended span now (tests, and before shutdown). */
  flush(): Promise<void>;
  /** Exports what is left and stops; bounded by `export_timeout_ms`, never throws. */
  close(): Promise<void>;
}
