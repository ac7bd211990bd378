import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from '../gateway/gateway.js';
import { writeAdminError } from '../admin/admin-response.js';
import { GatewayError } from '../errors/gateway-errors.js';
import { authenticateMetrics, metricsAuthRequired } from './metrics-auth.js';

/**
 * `GET /metrics` in the Prometheus text format. Unauthenticated by default like `/healthz`: it
 * holds aggregates only, and key ids only when `metrics.key_labels` is on; `metrics.token` or
 * `metrics.require_auth` ask for a bearer token (metrics-auth.ts).
 */
export function serveMetrics(gateway: Gateway, request: IncomingMessage, response: ServerResponse, requestId: string): void {
  request.resume();
  if (gateway.config.metrics.enabled && metricsAuthRequired(gateway)) {
    try {
      authenticateMetrics(gateway, request);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      writeAdminError(response, requestId, error, error.status === 401 ? { 'www-authenticate': 'Bearer realm="metrics"' } : {});
      return;
    }
  }
  if (!gateway.config.metrics.enabled || (request.method !== 'GET' && request.method !== 'HEAD')) {
    response.writeHead(gateway.config.metrics.enabled ? 405 : 404, { 'content-type': 'text/plain' }).end();
    return;
  }
  const { registry } = gateway.metrics;
  registry.metrics().then(
    (text) => {
      response.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : text);
    },
    (error: unknown) => {
      gateway.logger.error({ err: error }, 'collecting metrics failed');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end();
    },
  );
}
