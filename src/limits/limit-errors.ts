import { GatewayError } from '../errors/gateway-errors.js';

/** A request, token or concurrency limit is reached (429 `rate_limit_exceeded`). */
export class RateLimitExceededError extends GatewayError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'rate_limit_error', message, { code: 'rate_limit_exceeded', headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}

/** A budget is spent for its period (429 `budget_exceeded`); retry-after points at the period's end. */
export class BudgetExceededError extends GatewayError {
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'rate_limit_error', message, { code: 'budget_exceeded', headers: { 'retry-after': String(retryAfterSeconds) } });
  }
}

/** The shared limit backend is unreachable and `limits.on_redis_error` is `fail_closed`. */
export class LimitsUnavailableError extends GatewayError {
  constructor() {
    super(503, 'api_error', 'Limits cannot be checked right now; try again shortly.', {
      code: 'limits_unavailable',
      headers: { 'retry-after': '1' },
    });
  }
}
