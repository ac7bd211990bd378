import type { ServerResponse } from 'node:http';
import { toGatewayError, type GatewayError } from '../errors/gateway-errors.js';
import { renderErrorBody, type ErrorDialect } from '../errors/render-error.js';
import type { RequestContext } from '../pipeline/request-context.js';
import { jsonText } from '../http/raw-json.js';

/** Header values must be printable ASCII on one line. */
export function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]+/g, ' ').slice(0, 2000);
}

export function baseHeaders(context: RequestContext): Record<string, string | number> {
  const headers: Record<string, string | number> = { 'x-sluice-request-id': context.requestId };
  const extra = context.responseHeaders;
  for (const name in extra) headers[name] = extra[name];
  if (context.warnings.length > 0) headers['x-sluice-warnings'] = headerSafe(context.warnings.join('; '));
  return headers;
}

export function writeJson(context: RequestContext, status: number, body: unknown): void {
  // An upstream answer nothing rewrote goes out as the bytes it came in, a cached one as the bytes
  // serialized at its first hit (src/http/raw-json.ts).
  const payload = jsonText(body);
  const headers = baseHeaders(context);
  headers['content-type'] = 'application/json';
  headers['content-length'] = Buffer.byteLength(payload);
  context.response.writeHead(status, headers);
  context.response.end(payload);
}

/** Writes an error in the client's dialect; after the headers went out it can only close. */
export function writeError(context: RequestContext, error: unknown): GatewayError {
  const gatewayError = toGatewayError(error);
  if (gatewayError.status >= 500) {
    context.logger.warn({ requestId: context.requestId, err: error }, 'request failed');
  }
  const { response } = context;
  if (response.headersSent) {
    response.destroy();
    return gatewayError;
  }
  const payload = renderErrorBody(gatewayError, context.dialect);
  const headers: Record<string, string | number> = {
    ...baseHeaders(context),
    ...gatewayError.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  };
  // After a 413 the rest of the body is not worth reading.
  if (gatewayError.status === 413) headers.connection = 'close';
  response.writeHead(gatewayError.status, headers);
  response.end(payload);
  return gatewayError;
}

export function writeErrorOutsidePipeline(response: ServerResponse, error: GatewayError, dialect: ErrorDialect, requestId: string): void {
  const payload = renderErrorBody(error, dialect);
  response.writeHead(error.status, {
    'x-sluice-request-id': requestId,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}
