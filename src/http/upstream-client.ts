import { Pool, undiciErrors } from './undici-pool.js';
import type { Dispatcher } from 'undici';
import { Cancellation, type CancelSignal } from './cancellation.js';
import { GatewayError, ProviderResponseError, UpstreamTimeoutError, UpstreamUnavailableError } from '../errors/gateway-errors.js';

/**
 * One keep-alive undici Pool per upstream origin. Measured here, `Pool.request` is the fastest
 * way to forward from a node:http server (FIELD-NOTES.md); global `fetch` is 3x slower.
 */
const pools = new Map<string, Pool>();

function poolFor(origin: string): Pool {
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
    pools.set(origin, pool);
  }
  return pool;
}

export async function closeUpstreamPools(): Promise<void> {
  const closing = [...pools.values()].map((pool) => pool.close().catch(() => undefined));
  pools.clear();
  await Promise.all(closing);
}

export interface UpstreamRequest {
  provider: string;
  url: URL;
  method?: Dispatcher.HttpMethod;
  headers: Record<string, string | string[]>;
  body?: string | Buffer | NodeJS.ReadableStream | null;
  signal: CancelSignal;
  /** Time allowed until the response headers. */
  timeoutMs: number;
  idleTimeoutMs: number;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/**
 * Sends a request upstream, mapping transport failures to gateway errors (502/504).
 * The time-to-headers limit runs on a timer of its own: undici's headers timeout has a
 * resolution of about a second, too coarse for sub-second route timeouts.
 */
export async function sendUpstream(request: UpstreamRequest): Promise<UpstreamResponse> {
  const { url, signal: caller } = request;
  if (caller.aborted) throw caller.reason;
  const attempt = new Cancellation();
  const forwardAbort = () => attempt.abort(caller.reason);
  caller.once('abort', forwardAbort);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort(new UpstreamTimeoutError(request.provider, request.timeoutMs));
  }, request.timeoutMs);
  try {
    const response = await poolFor(url.origin).request({
      path: url.pathname + url.search,
      method: request.method ?? 'POST',
      headers: request.headers,
      body: request.body as Dispatcher.DispatchOptions['body'],
      signal: attempt,
      headersTimeout: 0,
      bodyTimeout: request.idleTimeoutMs,
    });
    // Past the headers, only the caller can cancel: hand its signal over to the body.
    if (caller.aborted) response.body.destroy();
    else {
      const destroyBody = () => response.body.destroy();
      caller.once('abort', destroyBody);
      response.body.once('close', () => caller.removeListener('abort', destroyBody));
    }
    return response;
  } catch (error) {
    if (timedOut) throw new UpstreamTimeoutError(request.provider, request.timeoutMs);
    throw mapTransportError(request.provider, error, request.timeoutMs, caller);
  } finally {
    clearTimeout(timer);
    caller.removeListener('abort', forwardAbort);
  }
}

/** A whole upstream answer: status, headers (lower-case names) and body text. */
export interface UpstreamText {
  statusCode: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * Sends a request and reads the whole answer as text, on undici's dispatch interface: no body
 * stream, promise chain or abort-signal adapter per request — the JSON hot path spends its time
 * here, and the stream machinery of `Pool.request` measured a large part of the gateway's own
 * CPU per call. Same limits and error mapping as `sendUpstream` + `readUpstreamText`.
 */
export function requestUpstreamText(request: UpstreamRequest): Promise<UpstreamText> {
  const { url, signal: caller } = request;
  if (caller.aborted) return Promise.reject(caller.reason);
  return new Promise<UpstreamText>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let statusCode = 0;
    let rawHeaders: Buffer[] = [];
    let abortDispatch: ((error: Error) => void) | undefined;
    let settled = false;
    // Why the call ended early; only used to stop undici's side, the caller already has its error.
    let failure = new Error('aborted');
    let timedOut = false;
    const settle = (error: unknown, answer?: UpstreamText) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      caller.removeListener('abort', onCallerAbort);
      if (error instanceof Error) failure = error;
      if (answer) resolve(answer);
      else reject(timedOut ? new UpstreamTimeoutError(request.provider, request.timeoutMs) : mapTransportError(request.provider, error, request.timeoutMs, caller));
    };
    const onCallerAbort = () => {
      settle(caller.reason);
      abortDispatch?.(failure);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      settle(new UpstreamTimeoutError(request.provider, request.timeoutMs));
      abortDispatch?.(failure);
    }, request.timeoutMs);
    caller.once('abort', onCallerAbort);
    poolFor(url.origin).dispatch(
      {
        path: url.pathname + url.search,
        method: request.method ?? 'POST',
        headers: request.headers,
        body: request.body as Dispatcher.DispatchOptions['body'],
        headersTimeout: 0,
        bodyTimeout: request.idleTimeoutMs,
      },
      {
        onConnect(abort) {
          abortDispatch = abort;
          // Timed out or cancelled before undici got this far.
          if (settled) abort(failure);
        },
        onHeaders(status, headers) {
          // The time-to-headers limit ends here; the idle limit (bodyTimeout) covers the body.
          clearTimeout(timer);
          statusCode = status;
          rawHeaders = headers as Buffer[];
          return true;
        },
        onData(chunk) {
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
          settle(undefined, { statusCode, headers: headerRecord(rawHeaders), text });
        },
        onError(error) {
          settle(error);
        },
      },
    );
  });
}

/** undici's raw header list as a record; a repeated header keeps its last value. */
function headerRecord(rawHeaders: Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    headers[rawHeaders[index]!.toString('latin1').toLowerCase()] = rawHeaders[index + 1]!.toString('latin1');
  }
  return headers;
}

/** Maps undici/network failures; an abort caused by the caller is rethrown as is. */
export function mapTransportError(provider: string, error: unknown, timeoutMs: number, signal?: CancelSignal): unknown {
  if (signal?.aborted) return signal.reason ?? error;
  if (error instanceof GatewayError) return error;
  if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.ConnectTimeoutError) {
    return new UpstreamTimeoutError(provider, timeoutMs);
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new UpstreamTimeoutError(provider, timeoutMs);
  }
  const code = (error as { code?: string }).code;
  const reason = code ? `${code}` : error instanceof Error ? error.message : 'connection failed';
  return new UpstreamUnavailableError(provider, reason, error);
}

/** Reads a whole upstream body as text, mapping a failure mid-body to a gateway error. */
export async function readUpstreamText(provider: string, response: UpstreamResponse, timeoutMs: number): Promise<string> {
  try {
    return await response.body.text();
  } catch (error) {
    throw mapTransportError(provider, error, timeoutMs);
  }
}

export async function readUpstreamJson<T>(provider: string, response: UpstreamResponse, timeoutMs: number): Promise<T> {
  return parseUpstreamJson<T>(provider, await readUpstreamText(provider, response, timeoutMs));
}

export function parseUpstreamJson<T>(provider: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UpstreamUnavailableError(provider, 'the response body is not valid JSON');
  }
}

/**
 * Turns a non-2xx upstream response into a ProviderResponseError carrying the provider's own
 * message. OpenAI, Anthropic and Google all put it at `error.message`.
 */
export async function providerErrorFrom(provider: string, response: UpstreamResponse): Promise<ProviderResponseError> {
  let text = '';
  try {
    text = await response.body.text();
  } catch {
    // The status alone still tells what happened.
  }
  const retryAfter = response.headers['retry-after'];
  return providerErrorFromText(provider, response.statusCode, text, typeof retryAfter === 'string' ? retryAfter : undefined);
}

/** The ProviderResponseError of a non-2xx answer already read as text. */
export function providerErrorFromText(provider: string, statusCode: number, text: string, retryAfter: string | undefined): ProviderResponseError {
  let message = `upstream answered HTTP ${statusCode}`;
  let type: string | undefined;
  let code: string | null = null;
  let param: string | null = null;
  try {
    const parsed = JSON.parse(text) as unknown;
    const body = (Array.isArray(parsed) ? parsed[0] : parsed) as Record<string, unknown>;
    const error = body?.error as Record<string, unknown> | string | undefined;
    if (typeof error === 'string') message = error;
    else if (error && typeof error.message === 'string') {
      message = error.message;
      type = typeof error.type === 'string' ? error.type : typeof error.status === 'string' ? error.status : undefined;
      code = typeof error.code === 'string' ? error.code : null;
      param = typeof error.param === 'string' ? error.param : null;
    } else if (typeof body?.message === 'string') message = body.message;
  } catch {
    if (text && text.length < 300 && !text.includes('<')) message = text.trim();
  }
  return new ProviderResponseError(provider, statusCode, message, { type, code, param, upstreamBody: text, retryAfter });
}

/** Joins a base URL (which may carry a path such as `/v1`) and a path. */
export function joinUrl(baseUrl: string, path: string): URL {
  const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
  return new URL(base + (path.startsWith('/') ? path : `/${path}`));
}
