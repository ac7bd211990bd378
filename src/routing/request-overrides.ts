import type { IncomingHttpHeaders } from 'node:http';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import type { RetryOverrides } from './retry-policy.js';

/** Upper bounds a caller cannot exceed: a client must not turn the gateway into a retry storm. */
export const maximumAttemptsHeader = 10;
export const maximumRetryDelayMs = 60_000;

function invalid(header: string, expected: string): InvalidRequestError {
  return new InvalidRequestError(`${header}: expected ${expected}`, { code: 'invalid_header', param: header });
}

function integerHeader(headers: IncomingHttpHeaders, name: string, min: number, max: number): number | undefined {
  const raw = headers[name];
  if (typeof raw !== 'string') return undefined;
  const value = Number(raw.trim());
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > max) throw invalid(name, `an integer between ${min} and ${max}`);
  return value;
}

/**
 * The retry settings a request asks for (DESIGN.md §1): `x-sluice-max-attempts` (attempts per
 * target), `x-sluice-retry-delay` (base wait, ms) and `x-sluice-backoff`. Read before any
 * upstream call, so a malformed header is a 400 and never a half-routed request.
 */
export function parseRetryOverrides(headers: IncomingHttpHeaders): RetryOverrides {
  const overrides: RetryOverrides = {};
  const attempts = integerHeader(headers, 'x-sluice-max-attempts', 1, maximumAttemptsHeader);
  if (attempts !== undefined) overrides.attempts = attempts;
  const delay = integerHeader(headers, 'x-sluice-retry-delay', 0, maximumRetryDelayMs);
  if (delay !== undefined) overrides.baseMs = delay;
  const backoff = headers['x-sluice-backoff'];
  if (typeof backoff === 'string') {
    const value = backoff.trim().toLowerCase();
    if (value !== 'constant' && value !== 'linear' && value !== 'exponential') throw invalid('x-sluice-backoff', 'constant, linear or exponential');
    overrides.backoff = value;
  }
  return overrides;
}
