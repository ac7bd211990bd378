import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Gateway } from '../gateway/gateway.js';

/**
 * `GET /metrics` in the Prometheus text format. Unauthenticated like `/healthz` (scrapers rarely
 * carry tokens): it holds aggregates only, and key ids only when `metrics.key_labels` is on.
 */
export function serveMetrics(gateway: Gateway, request: IncomingMessage, response: ServerResponse): void {
  request.resume();
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
