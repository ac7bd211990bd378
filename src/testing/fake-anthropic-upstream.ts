import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageBody, planReply, streamEvents } from './fake-anthropic-reply.js';
import { validateMessagesRequest } from './fake-anthropic-validate.js';

/**
 * A fake Anthropic Messages API on node:http (127.0.0.1, random port) for tests and benchmarks.
 * It speaks the real wire format: POST /v1/messages, an API key (`x-api-key`) and
 * `anthropic-version` required, errors as `{"type":"error","error":{type,message},"request_id"}`, streams as
 * `event: <type>` + `data: <json>` frames. What it answers is described in fake-anthropic-reply.ts;
 * which requests it rejects, in fake-anthropic-validate.ts. A first message from the assistant is
 * accepted, as Anthropic's own API does (anthropic-sdk-typescript issue #622; Bedrock rejects it).
 */

export interface FakeAnthropicFailure {
  status: number;
  /** Answer body; default: Anthropic's error envelope with the error type of the status. */
  body?: unknown;
  /** How many of the next requests get this answer (default 1). */
  count?: number;
}

export interface FakeAnthropicUpstreamOptions {
  /** The only key accepted in `x-api-key` (default 'test-anthropic-key'). */
  apiKey?: string;
  /** Answers for the next requests, in order, before any validation. */
  failures?: FakeAnthropicFailure[];
  /** Waits this long before sending response headers (tests time-to-first-byte timeouts). */
  headersDelayMs?: number;
  /** Pause between streamed events. */
  eventDelayMs?: number;
  /** Keep every request in `requests` (default true; turn off for long benchmarks). */
  recordRequests?: boolean;
  /** Ends every stream with an `event: error` after this many events (default type overloaded_error). */
  streamError?: { afterEvents: number; type?: string; message?: string };
}

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

export interface FakeAnthropicUpstream {
  /** Base URL as the Anthropic SDK takes it (no `/v1`). */
  url: string;
  requests: RecordedRequest[];
  /** Live options: change them between requests. */
  options: FakeAnthropicUpstreamOptions;
  /** Answers the next `count` requests with `status` (and `body`, or Anthropic's error shape). */
  failNext(status: number, body?: unknown, count?: number): void;
  close(): Promise<void>;
}

export const defaultFakeAnthropicKey = 'test-anthropic-key';

const errorTypeByStatus: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

let requestCounter = 0;

function errorBody(status: number, message: string, type = errorTypeByStatus[status] ?? 'api_error'): unknown {
  return { type: 'error', error: { type, message }, request_id: `req_fake_${++requestCounter}` };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${++requestCounter}`, ...headers });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', () => resolve(Buffer.concat(pieces).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * The API key: `x-api-key`, or, when that is absent, `Authorization: Bearer` — the real API takes
 * both (x-api-key wins), and @anthropic-ai/sdk 1.x sends only the bearer form (FIELD-NOTES.md).
 */
function credentialOf(headers: IncomingHttpHeaders): string | undefined {
  const apiKey = headers['x-api-key'];
  if (typeof apiKey === 'string') return apiKey;
  const match = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '');
  return match ? match[1] : undefined;
}

/** Whether the client has gone away (aborted, timed out): nothing more is written then. */
function clientGone(response: ServerResponse): boolean {
  return response.socket === null || response.socket.destroyed;
}

/** Resolves after `ms`, or at once when the client has gone away. */
function pause(ms: number, response: ServerResponse): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    response.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function startFakeAnthropicUpstream(initial: FakeAnthropicUpstreamOptions = {}): Promise<FakeAnthropicUpstream> {
  const options: FakeAnthropicUpstreamOptions = { ...initial, failures: (initial.failures ?? []).map((failure) => ({ ...failure })) };
  const requests: RecordedRequest[] = [];
  let messageSequence = 0;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = request.url ?? '/';
    const text = await readBody(request);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Recorded as raw text; answered with the API's parse error below.
    }
    if (options.recordRequests !== false) requests.push({ path, headers: request.headers, body });

    await pause(options.headersDelayMs ?? 0, response);
    if (clientGone(response)) return;

    const failure = options.failures?.[0];
    if (failure) {
      failure.count = (failure.count ?? 1) - 1;
      if (failure.count <= 0) options.failures?.shift();
      const retryAfter: Record<string, string> = failure.status === 429 ? { 'retry-after': '1' } : {};
      return sendJson(response, failure.status, failure.body ?? errorBody(failure.status, `fake failure with HTTP ${failure.status}`), retryAfter);
    }

    const pathname = path.split('?')[0];
    if (pathname !== '/v1/messages') return sendJson(response, 404, errorBody(404, 'Not found'));
    if (request.method !== 'POST') return sendJson(response, 405, errorBody(405, `Method ${request.method} not allowed`, 'invalid_request_error'));
    if (credentialOf(request.headers) !== (options.apiKey ?? defaultFakeAnthropicKey)) {
      return sendJson(response, 401, errorBody(401, 'invalid x-api-key'));
    }
    const version = request.headers['anthropic-version'];
    if (typeof version !== 'string' || version === '') return sendJson(response, 400, errorBody(400, 'anthropic-version: header is required'));
    if (typeof body === 'string') return sendJson(response, 400, errorBody(400, 'There was an error parsing the body of your request'));

    const invalid = validateMessagesRequest(body, version);
    if (invalid) return sendJson(response, 400, errorBody(400, invalid));

    const json = body as Record<string, unknown>;
    const reply = planReply(json, ++messageSequence);
    if (json.stream !== true) return sendJson(response, 200, messageBody(reply));

    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': `req_fake_${++requestCounter}` });
    let written = 0;
    for (const event of streamEvents(reply)) {
      if (options.streamError && written >= options.streamError.afterEvents) {
        const { type = 'overloaded_error', message = 'Overloaded' } = options.streamError;
        response.write(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type, message } })}\n\n`);
        break;
      }
      if (written > 0) await pause(options.eventDelayMs ?? 0, response);
      if (clientGone(response)) return;
      response.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
      written++;
    }
    response.end();
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, errorBody(500, `fake upstream failed: ${String(error)}`));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    options,
    failNext(status: number, body?: unknown, count = 1) {
      (options.failures ??= []).push({ status, body, count });
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
