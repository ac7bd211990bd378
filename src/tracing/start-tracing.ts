import type { Logger } from 'pino';
import type { RequestTracing } from './request-tracing.js';
import type { TracingConfig } from './tracing-config.js';

/**
 * The gateway's tracing, or undefined when it is off. The OpenTelemetry SDK is imported here
 * on demand, so a gateway without tracing never loads it (tracing-off-loads-nothing.e2e.test.ts).
 */
export async function startTracing(config: TracingConfig, logger: Logger): Promise<RequestTracing | undefined> {
  if (!config.enabled) return undefined;
  const { OtelRequestTracing } = await import('./otel-request-tracing.js');
  return new OtelRequestTracing(config, logger);
}
