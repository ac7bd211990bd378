/**
 * One error class per kind (DESIGN.md §2.7). Each carries everything needed to render the
 * wire shape; `render-error.ts` is the only place that turns them into HTTP responses.
 */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'upstream_error'
  | 'timeout_error'
  | 'api_error';

export class GatewayError extends Error {
  readonly status: number;
  readonly type: ErrorType;
  readonly code: string | null;
  readonly param: string | null;
  /** Extra response headers (retry-after, ...). */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    type: ErrorType,
    message: string,
    options: { code?: string | null; param?: string | null; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.status = status;
    this.type = type;
    this.code = options.code ?? null;
    this.param = options.param ?? null;
    this.headers = options.headers ?? {};
  }
}

export class InvalidRequestError extends GatewayError {
  constructor(message: string, options: { code?: string; param?: string | null } = {}) {
    super(400, 'invalid_request_error', message, { code: options.code ?? 'invalid_request', param: options.param });
  }
}

export class AuthenticationError extends GatewayError {
  constructor(message = 'Missing or invalid gateway key.', code = 'invalid_api_key') {
    super(401, 'authentication_error', message, { code });
  }
}

export class PermissionDeniedError extends GatewayError {
  constructor(message: string, code = 'model_not_allowed') {
    super(403, 'permission_error', message, { code });
  }
}

export class NotFoundError extends GatewayError {
  constructor(message: string, code = 'model_not_found', param: string | null = null) {
    super(404, 'not_found_error', message, { code, param });
  }
}

export class PayloadTooLargeError extends GatewayError {
  constructor(limitBytes: number) {
    super(413, 'request_too_large', `Request body exceeds the limit of ${limitBytes} bytes.`, {
      code: 'request_too_large',
    });
  }
}

export class MethodNotAllowedError extends GatewayError {
  constructor(method: string, path: string) {
    super(405, 'invalid_request_error', `Method ${method} is not allowed on ${path}.`, { code: 'method_not_allowed' });
  }
}

/** The upstream could not be reached or answered something unusable. */
export class UpstreamUnavailableError extends GatewayError {
  constructor(provider: string, reason: string, cause?: unknown) {
    super(502, 'upstream_error', `Provider "${provider}" is unavailable: ${reason}`, {
      code: 'upstream_unavailable',
      cause,
    });
  }
}

export class UpstreamTimeoutError extends GatewayError {
  constructor(provider: string, timeoutMs: number) {
    super(504, 'timeout_error', `Provider "${provider}" did not answer within ${timeoutMs} ms.`, {
      code: 'upstream_timeout',
    });
  }
}

/**
 * The provider answered with an error status. 4xx statuses are passed through with the
 * provider's own message so clients see why; 5xx become 502 (the gateway's upstream failed).
 */
export class ProviderResponseError extends GatewayError {
  readonly provider: string;
  readonly upstreamStatus: number;
  /** The raw upstream body, for logs only: never rendered as is. */
  readonly upstreamBody: string;

  constructor(
    provider: string,
    upstreamStatus: number,
    message: string,
    options: { type?: string; code?: string | null; param?: string | null; upstreamBody?: string; retryAfter?: string } = {},
  ) {
    const passThrough = upstreamStatus >= 400 && upstreamStatus < 500;
    const status = passThrough ? upstreamStatus : 502;
    const type = passThrough ? mapUpstreamType(upstreamStatus, options.type) : 'upstream_error';
    super(status, type, `${provider}: ${message}`, {
      code: options.code ?? (passThrough ? null : 'upstream_error'),
      param: options.param ?? null,
      headers: options.retryAfter ? { 'retry-after': options.retryAfter } : {},
    });
    this.provider = provider;
    this.upstreamStatus = upstreamStatus;
    this.upstreamBody = options.upstreamBody ?? '';
  }
}

function mapUpstreamType(status: number, upstreamType: string | undefined): ErrorType {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    default:
      return upstreamType === 'invalid_request_error' ? 'invalid_request_error' : 'api_error';
  }
}

/** A failure inside the gateway itself. Its message never reaches the client. */
export class InternalError extends GatewayError {
  constructor(cause?: unknown) {
    super(500, 'api_error', 'Internal gateway error.', { code: 'internal_error', cause });
  }
}

export function toGatewayError(error: unknown): GatewayError {
  return error instanceof GatewayError ? error : new InternalError(error);
}
