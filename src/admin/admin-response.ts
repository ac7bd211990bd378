import type { ServerResponse } from 'node:http';
import type { GatewayError } from '../errors/gateway-errors.js';
import { openAIErrorBody } from '../errors/render-error.js';

/**
 * Admin responses can carry secrets (a new key's secret): no cache, anywhere, may keep them,
 * and browsers must not sniff the JSON into something else.
 */
function adminHeaders(requestId: string, payload: string): Record<string, string | number> {
  return {
    'x-sluice-request-id': requestId,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  };
}

export function writeAdminJson(response: ServerResponse, requestId: string, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, adminHeaders(requestId, payload));
  response.end(payload);
}

/** Always OpenAI's error shape, with the error's own headers (retry-after, allow). */
export function writeAdminError(response: ServerResponse, requestId: string, error: GatewayError, extraHeaders: Record<string, string> = {}): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const payload = openAIErrorBody(error);
  const headers = { ...adminHeaders(requestId, payload), ...error.headers, ...extraHeaders };
  // After a 413 the rest of the body is not worth reading: close instead of draining it.
  if (error.status === 413) headers.connection = 'close';
  response.writeHead(error.status, headers);
  response.end(payload);
}
