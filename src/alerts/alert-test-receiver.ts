import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertPayload } from './alert-payload.js';

/** Test support for the alerts tests (not itself a test file): a real webhook receiver on node:http. */
export interface ReceivedAlert {
  headers: IncomingHttpHeaders;
  path: string;
  payload: AlertPayload;
  /** The status this receiver answered. */
  answered: number;
}

export interface AlertReceiver {
  url: string;
  received: ReceivedAlert[];
  /** The next requests get these statuses, in order; 200 after them. */
  answerWith(...statuses: number[]): void;
  /** Accept requests but never answer them (a hung webhook). */
  hang: boolean;
  /** Resolves with what was received once `check` holds; throws after `ms`. */
  waitFor(check: (received: ReceivedAlert[]) => boolean, ms?: number): Promise<ReceivedAlert[]>;
  close(): Promise<void>;
}

export async function startAlertReceiver(): Promise<AlertReceiver> {
  const queued: number[] = [];
  const receiver: AlertReceiver = {
    url: '',
    received: [],
    hang: false,
    answerWith: (...statuses) => void queued.push(...statuses),
    async waitFor(check, ms = 5_000) {
      const deadline = Date.now() + ms;
      while (!check(receiver.received)) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: condition not reached in ${ms} ms; received ${JSON.stringify(receiver.received.map((entry) => entry.payload))}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return receiver.received;
    },
    close: async () => undefined,
  };
  const server = createServer((request, response) => {
    const pieces: Buffer[] = [];
    request.on('data', (piece: Buffer) => pieces.push(piece));
    request.on('end', () => {
      if (receiver.hang) return;
      const answered = queued.shift() ?? 200;
      receiver.received.push({ headers: request.headers, path: request.url ?? '/', payload: JSON.parse(Buffer.concat(pieces).toString('utf8')) as AlertPayload, answered });
      response.writeHead(answered, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: answered < 300 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** A loopback port nothing listens on (a webhook that is down). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/hook`;
}
