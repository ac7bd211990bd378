import { performance } from 'node:perf_hooks';
import type { Stage } from '../pipeline/compose-stages.js';
import { outgoingTraceparent, traceOf } from './trace-context.js';

/**
 * The log phase (DESIGN.md §2.3), placed outside `respond`: the respond stage runs every
 * finisher before it returns, so by then a stream has ended and usage and cost are settled.
 * A finisher registered first only captures the error, which `respond` does not rethrow.
 * The same record feeds the request log and the Prometheus request metrics.
 */
export const logRequest: Stage = async (context, next) => {
  const { logs, metrics, logger } = context.gateway;
  let failure: unknown;
  context.finishers.push((error) => {
    failure = error;
  });
  // The client learns the gateway's span, to join its own trace to the gateway's.
  context.responseHeaders.traceparent = outgoingTraceparent(traceOf(context));
  metrics.inFlight.inc();
  try {
    await next();
  } finally {
    metrics.inFlight.dec();
    const record = logs.record(context, failure, performance.now());
    try {
      if (record) metrics.observe(record);
      if (record) context.gateway.alerts?.observe(record, context.principal?.team.name);
    } catch (error) {
      logger.error({ requestId: context.requestId, err: error }, 'recording request metrics failed');
    }
  }
};
