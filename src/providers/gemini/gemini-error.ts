import { ProviderResponseError } from '../../errors/gateway-errors.js';
import { providerErrorFrom, type UpstreamResponse } from '../../http/upstream-client.js';
import type { GeminiErrorBody } from './wire-types.js';

/**
 * A non-2xx Gemini answer → ProviderResponseError, with Google's own message (shared
 * `providerErrorFrom` reads `error.message` and `error.status`).
 *
 * Google sends no `retry-after` header on 429: the delay is in the body, as a
 * `google.rpc.RetryInfo` detail (`retryDelay: "34.4s"`). It is turned into `retry-after`
 * (whole seconds, rounded up) so clients and the gateway's retry logic can honour it.
 */
export async function geminiErrorFrom(provider: string, response: UpstreamResponse): Promise<ProviderResponseError> {
  const error = await providerErrorFrom(provider, response);
  if (error.headers['retry-after']) return error;
  const retryAfter = retryDelaySeconds(error.upstreamBody);
  if (retryAfter === undefined) return error;
  return new ProviderResponseError(provider, error.upstreamStatus, error.message.slice(`${provider}: `.length), {
    type: statusOf(error.upstreamBody),
    code: error.code,
    param: error.param,
    upstreamBody: error.upstreamBody,
    retryAfter: String(retryAfter),
  });
}

/** Seconds from a RetryInfo detail ("34.4s" → 35), if the body has one. */
export function retryDelaySeconds(body: string): number | undefined {
  const details = parseErrorBody(body)?.error?.details ?? [];
  for (const detail of details) {
    if (detail['@type'] !== 'type.googleapis.com/google.rpc.RetryInfo') continue;
    const match = typeof detail.retryDelay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(detail.retryDelay) : null;
    if (match) return Math.max(1, Math.ceil(Number(match[1])));
  }
  return undefined;
}

function statusOf(body: string): string | undefined {
  return parseErrorBody(body)?.error?.status;
}

function parseErrorBody(body: string): Partial<GeminiErrorBody> | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    return first && typeof first === 'object' ? (first as Partial<GeminiErrorBody>) : undefined;
  } catch {
    return undefined;
  }
}
