import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  fakeEmbedding,
  invalidArgument,
  isObject,
  planAnswer,
  validateGenerateContent,
  type AnswerPlan,
  type CandidatePlan,
  type GoogleError,
} from './fake-gemini-answers.js';

/**
 * A fake Google AI Studio API on node:http (127.0.0.1, random port) for tests and benchmarks.
 * It speaks the real wire format: `POST /v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent?alt=sse` (each event a whole response with running usage, the last
 * with finishReason, every event — the last too — ended by a blank line) and
 * `:batchEmbedContents`; Google's error body `{error:{code,message,status}}` and statuses.
 */
export interface FakeGeminiUpstreamOptions {
  /** The accepted key (header `x-goog-api-key` or `?key=`). Default 'test-gemini-key'; '' accepts any. */
  apiKey?: string;
  /** If set, other models answer 404 NOT_FOUND as Google does. */
  models?: string[];
  /** Answer the next `count` (default 1) requests with this status and body (default: Google's error body). */
  failNext?: { status: number; body?: unknown; count?: number };
  /** Wait this long before sending response headers. */
  headerDelayMs?: number;
  /** Wait this long between stream events. */
  eventDelayMs?: number;
  /** After this many events, send Google's error body as an event and end the stream. */
  midStreamError?: { afterEvents: number; error?: GoogleError };
  /** After this many events, destroy the connection (a transport failure). */
  dropConnectionAfterEvents?: number;
  /** What ends each event; Google sends CRLF CRLF. */
  eventSeparator?: '\r\n\r\n' | '\n\n';
  /** A word in the last user text that makes the model call a function (tool mode AUTO). */
  toolTrigger?: string;
  /** Dimensions of embeddings when the request sets no outputDimensionality. */
  embeddingDimensions?: number;
}

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: unknown;
}

export interface FakeGeminiUpstream {
  url: string;
  requests: RecordedRequest[];
  /** Changes options for the following requests. */
  configure(options: Partial<FakeGeminiUpstreamOptions>): void;
  close(): Promise<void>;
}

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};
const routePattern = /^\/v1beta\/(models|tunedModels)\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/;

export async function startFakeGeminiUpstream(initial: FakeGeminiUpstreamOptions = {}): Promise<FakeGeminiUpstream> {
  const options: FakeGeminiUpstreamOptions = { apiKey: 'test-gemini-key', toolTrigger: 'weather', ...initial };
  const requests: RecordedRequest[] = [];
  const issuedSignatures = new Set<string>();
  let failuresLeft = options.failNext?.count ?? 1;
  let responseCounter = 0;

  const issueSignature = (name: string) => {
    // Bytes fb ff fe make the base64 start with "+//+", so adapters must keep it byte-exact.
    const signature = Buffer.concat([Buffer.from([0xfb, 0xff, 0xfe]), Buffer.from(`sig:${name}:${issuedSignatures.size}`)]).toString('base64');
    issuedSignatures.add(signature);
    return signature;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const text = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://fake');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Kept as text: the route decides whether that is an error.
    }
    requests.push({ path: url.pathname + url.search, headers: request.headers, body });

    if (options.headerDelayMs) await delay(options.headerDelayMs);
    if (response.destroyed) return;

    if (options.failNext && failuresLeft > 0) {
      failuresLeft -= 1;
      const { status, body: failureBody } = options.failNext;
      if (failuresLeft === 0) options.failNext = undefined;
      const payload = failureBody ?? { error: { code: status, message: `injected failure ${status}`, status: statusNames[status] ?? 'UNKNOWN' } };
      return send(response, status, typeof payload === 'string' ? payload : JSON.stringify(payload));
    }

    const key = request.headers['x-goog-api-key'] ?? url.searchParams.get('key');
    if (!key) {
      return sendError(response, {
        code: 403,
        status: 'PERMISSION_DENIED',
        message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      });
    }
    if (options.apiKey && key !== options.apiKey) {
      return sendError(response, {
        ...invalidArgument('API key not valid. Please pass a valid API key.'),
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } }],
      });
    }

    const route = request.method === 'POST' ? routePattern.exec(url.pathname) : null;
    if (!route) return sendError(response, { code: 404, status: 'NOT_FOUND', message: `Method not found: ${request.method} ${url.pathname}` });
    const [, , model, method] = route;
    if (options.models && !options.models.includes(model)) {
      return sendError(response, {
        code: 404,
        status: 'NOT_FOUND',
        message: `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
      });
    }
    if (!isObject(body)) return sendError(response, invalidArgument(`Invalid JSON payload received. ${text === '' ? 'Empty body.' : 'Unexpected token.'}`));

    if (method === 'batchEmbedContents') return answerEmbeddings(response, body, model, options.embeddingDimensions ?? 8);
    const invalid = validateGenerateContent(body, model, issuedSignatures);
    if (invalid) return sendError(response, invalid);
    const plan = planAnswer(body, model, options.toolTrigger ?? 'weather', issueSignature);
    const responseId = `fake-response-${++responseCounter}`;
    if (method === 'generateContent') return send(response, 200, JSON.stringify(wholeResponse(plan, model, responseId)));
    const events = streamEvents(plan, model, responseId);
    if (url.searchParams.get('alt') !== 'sse') return send(response, 200, JSON.stringify(events));
    await writeStream(response, events, options);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, { code: 500, status: 'INTERNAL', message: String(error) });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    configure(changes) {
      Object.assign(options, changes);
      if (changes.failNext) failuresLeft = changes.failNext.count ?? 1;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function partsOf(candidate: CandidatePlan): Array<Record<string, unknown>> {
  const parts: Array<Record<string, unknown>> = [];
  if (candidate.thought !== undefined) parts.push({ text: candidate.thought, thought: true });
  if (candidate.functionCall) {
    parts.push({ functionCall: candidate.functionCall, ...(candidate.thoughtSignature ? { thoughtSignature: candidate.thoughtSignature } : {}) });
  } else parts.push({ text: candidate.words.join('') });
  return parts;
}

const callTokens = 5;
const wordCount = (text: string | undefined) => (text ? (text.match(/\S+/g) ?? []).length : 0);

function usage(promptTokens: number, candidatesTokens: number, thoughtsTokens: number): Record<string, unknown> {
  return {
    promptTokenCount: promptTokens,
    candidatesTokenCount: candidatesTokens,
    totalTokenCount: promptTokens + candidatesTokens + thoughtsTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
    ...(thoughtsTokens > 0 ? { thoughtsTokenCount: thoughtsTokens } : {}),
  };
}

function wholeResponse(plan: AnswerPlan, model: string, responseId: string): Record<string, unknown> {
  const candidatesTokens = plan.candidates.reduce((sum, item) => sum + item.words.length + (item.functionCall ? callTokens : 0), 0);
  const thoughtsTokens = plan.candidates.reduce((sum, item) => sum + wordCount(item.thought), 0);
  return {
    candidates: plan.candidates.map((candidate, index) => ({
      content: { parts: partsOf(candidate), role: 'model' },
      finishReason: candidate.finishReason,
      index,
      ...(candidate.functionCall ? { finishMessage: 'Model generated function call(s).' } : {}),
    })),
    usageMetadata: usage(plan.promptTokens, candidatesTokens, thoughtsTokens),
    modelVersion: model,
    responseId,
  };
}

/** One list of pieces per candidate; event k carries piece k of every candidate that has one. */
function streamEvents(plan: AnswerPlan, model: string, responseId: string): Array<Record<string, unknown>> {
  const pieces = plan.candidates.map((candidate) => {
    const list: Array<{ parts: Array<Record<string, unknown>>; tokens: number; thoughts: number }> = [];
    if (candidate.thought !== undefined) list.push({ parts: [{ text: candidate.thought, thought: true }], tokens: 0, thoughts: wordCount(candidate.thought) });
    if (candidate.functionCall) {
      // As recorded: the call arrives whole, then an empty text part closes the turn.
      list.push({ parts: partsOf({ ...candidate, thought: undefined }), tokens: callTokens, thoughts: 0 });
      list.push({ parts: [{ text: '' }], tokens: 0, thoughts: 0 });
    } else {
      for (let start = 0; start < candidate.words.length; start += 2) {
        const words = candidate.words.slice(start, start + 2);
        list.push({ parts: [{ text: words.join('') }], tokens: words.length, thoughts: 0 });
      }
      // A candidate with no words still sends one (empty) text part, as Google does.
      if (candidate.words.length === 0) list.push({ parts: [{ text: '' }], tokens: 0, thoughts: 0 });
    }
    return list;
  });
  const length = Math.max(...pieces.map((list) => list.length));
  const events: Array<Record<string, unknown>> = [];
  let candidatesTokens = 0;
  let thoughtsTokens = 0;
  for (let step = 0; step < length; step++) {
    const candidates: Array<Record<string, unknown>> = [];
    pieces.forEach((list, index) => {
      const piece = list[step];
      if (!piece) return;
      candidatesTokens += piece.tokens;
      thoughtsTokens += piece.thoughts;
      const last = step === list.length - 1;
      candidates.push({ content: { parts: piece.parts, role: 'model' }, index, ...(last ? { finishReason: plan.candidates[index].finishReason } : {}) });
    });
    events.push({ candidates, usageMetadata: usage(plan.promptTokens, candidatesTokens, thoughtsTokens), modelVersion: model, responseId });
  }
  return events;
}

async function writeStream(response: ServerResponse, events: Array<Record<string, unknown>>, options: FakeGeminiUpstreamOptions): Promise<void> {
  const separator = options.eventSeparator ?? '\r\n\r\n';
  response.writeHead(200, { 'content-type': 'text/event-stream', 'content-disposition': 'attachment' });
  for (const [index, event] of events.entries()) {
    if (options.midStreamError && index === options.midStreamError.afterEvents) {
      const error = options.midStreamError.error ?? { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' };
      response.end(`data: ${JSON.stringify({ error })}${separator}`);
      return;
    }
    if (options.dropConnectionAfterEvents !== undefined && index === options.dropConnectionAfterEvents) {
      response.destroy();
      return;
    }
    if (index > 0 && options.eventDelayMs) await delay(options.eventDelayMs);
    if (response.destroyed) return;
    // Waiting for each write to flush keeps back-pressure and makes a later drop or error
    // arrive after the events before it, as on a real connection.
    await new Promise<void>((resolve) => response.write(`data: ${JSON.stringify(event)}${separator}`, () => resolve()));
  }
  response.end();
}

function answerEmbeddings(response: ServerResponse, body: Record<string, unknown>, model: string, defaultDimensions: number): void {
  const entries = body.requests;
  if (!Array.isArray(entries) || entries.length === 0) return sendError(response, invalidArgument('* BatchEmbedContentsRequest.requests: requests is not specified\n'));
  if (entries.length > 100) return sendError(response, invalidArgument('* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n'));
  const embeddings: Array<{ values: number[] }> = [];
  for (const [index, entry] of entries.entries()) {
    if (!isObject(entry) || entry.model !== `models/${model}`) {
      return sendError(response, invalidArgument(`* BatchEmbedContentsRequest.requests[${index}].model: the model must be "models/${model}" as in the URL\n`));
    }
    const parts = isObject(entry.content) && Array.isArray(entry.content.parts) ? entry.content.parts : [];
    if (parts.length === 0) return sendError(response, invalidArgument(`* BatchEmbedContentsRequest.requests[${index}].content.parts: contents.parts must not be empty.\n`));
    const text = parts.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
    const dimensions = typeof entry.outputDimensionality === 'number' ? entry.outputDimensionality : defaultDimensions;
    embeddings.push({ values: fakeEmbedding(text, dimensions) });
  }
  send(response, 200, JSON.stringify({ embeddings }));
}

function sendError(response: ServerResponse, error: GoogleError): void {
  send(response, error.code, JSON.stringify({ error }));
}

function send(response: ServerResponse, status: number, text: string): void {
  if (response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
