import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** A failure the next N requests get, to test retries and error mapping. */
export interface InjectedFailure {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  remaining: number;
}

export interface FakeUpstreamControls {
  url: string;
  requests: RecordedRequest[];
  /** The next `count` requests get this status and body. */
  failNext(count: number, status: number, body: unknown, headers?: Record<string, string>): void;
  /** Delay before response headers (0 = none). */
  delayMs: number;
  close(): Promise<void>;
}

export type FakeHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/** The plumbing shared by the fake providers: recording, failure injection, delays, shutdown. */
export async function startFakeUpstreamServer(handler: FakeHandler, options: { record?: boolean } = {}): Promise<FakeUpstreamControls> {
  const record = options.record ?? true;
  const failures: InjectedFailure[] = [];
  const controls: FakeUpstreamControls = {
    url: '',
    requests: [],
    delayMs: 0,
    failNext(count, status, body, headers) {
      failures.push({ status, body, headers, remaining: count });
    },
    close: async () => undefined,
  };
  const server = createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', () => {
      void (async () => {
        const text = Buffer.concat(pieces).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // Keep the raw text: the handler answers 400 like the real API would.
        }
        const recorded: RecordedRequest = { method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, body };
        if (record) controls.requests.push(recorded);
        if (controls.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, controls.delayMs));
        if (response.destroyed) return;
        const failure = failures[0];
        if (failure) {
          if (--failure.remaining <= 0) failures.shift();
          const payload = JSON.stringify(failure.body);
          response.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
          response.end(payload);
          return;
        }
        await handler(recorded, response);
      })().catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: String(error) } }));
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  controls.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  controls.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return controls;
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  response.end(payload);
}

/** Writes SSE events one by one, pausing between them so clients see real streaming. */
export async function sendEvents(
  response: ServerResponse,
  events: Array<{ event?: string; data: string }>,
  options: { gapMs?: number; headers?: Record<string, string> } = {},
): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...options.headers });
  for (const event of events) {
    if (response.destroyed) return;
    response.write(`${event.event ? `event: ${event.event}\n` : ''}data: ${event.data}\n\n`);
    if (options.gapMs) await new Promise((resolve) => setTimeout(resolve, options.gapMs));
  }
  response.end();
}
