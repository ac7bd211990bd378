import type { ServerResponse } from 'node:http';
import { sendJson, startFakeUpstreamServer, type FakeUpstreamControls } from '../testing/fake-upstream-server.js';

/**
 * Test support (not itself a test file): an OpenAI-format upstream that answers chat requests
 * with the first part of its answer at once and the rest only when the test calls `release()`,
 * so a test can observe what clients receive while the upstream stream is still open.
 */
export interface HeldUpstream {
  controls: FakeUpstreamControls;
  /** Chat calls received. */
  readonly calls: number;
  /** Calls whose connection closed before the answer was complete (the gateway cancelled them). */
  readonly cancelled: number;
  /** The next chat calls answer 400 (after the hold) instead of an answer. */
  failing: boolean;
  /** Holds every answer from now until `release()`. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export const heldWords = ['echo:', ' one', ' two', ' three', ' four'];

export async function startHeldUpstream(): Promise<HeldUpstream> {
  let calls = 0;
  let cancelled = 0;
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  const state = { failing: false };
  const handler = async (request: { path: string; body: unknown }, response: ServerResponse) => {
    if (!request.path.endsWith('/chat/completions')) return sendJson(response, 404, { error: { message: 'not here' } });
    calls += 1;
    response.on('close', () => {
      if (!response.writableFinished) cancelled += 1;
    });
    const body = request.body as { model: string; stream?: boolean };
    const id = `chatcmpl-held${calls}`;
    const base = { id, object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model };
    const usage = { prompt_tokens: 7, completion_tokens: heldWords.length, total_tokens: 7 + heldWords.length };
    if (state.failing) {
      await gate;
      return sendJson(response, 400, { error: { message: 'no', type: 'invalid_request_error', param: null, code: null } });
    }
    if (!body.stream) {
      await gate;
      return sendJson(response, 200, {
        id, object: 'chat.completion', created: 1_700_000_000, model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: heldWords.join(''), refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage,
      });
    }
    const event = (payload: object) => response.write(`data: ${JSON.stringify(payload)}\n\n`);
    const delta = (value: object, finish: string | null = null) => event({ ...base, choices: [{ index: 0, delta: value, logprobs: null, finish_reason: finish }] });
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    delta({ role: 'assistant', content: '' });
    delta({ content: heldWords[0] });
    await gate;
    if (response.destroyed) return;
    for (const word of heldWords.slice(1)) delta({ content: word });
    delta({}, 'stop');
    event({ ...base, choices: [], usage });
    response.end('data: [DONE]\n\n');
  };
  const controls = await startFakeUpstreamServer(handler as never, { record: false });
  return {
    controls,
    get calls() {
      return calls;
    },
    get cancelled() {
      return cancelled;
    },
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    hold() {
      gate = new Promise((resolve) => (open = resolve));
    },
    release() {
      open();
    },
    close: () => controls.close(),
  };
}

export interface OpenedStream {
  status: number;
  cacheStatus: string | null;
  /** Resolves with the first content text received. */
  firstContent: Promise<string>;
  /** The whole assistant text once the stream ended; rejects if it broke. */
  text: Promise<string>;
  /** The SSE data events received (without [DONE]). */
  events: unknown[];
}

/** Opens a streaming chat request and reads it as it arrives. */
export async function openStream(url: string, body: Record<string, unknown>, signal?: AbortSignal): Promise<OpenedStream> {
  const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stream: true }), signal });
  const events: unknown[] = [];
  let gotFirst!: (text: string) => void;
  const firstContent = new Promise<string>((resolve) => (gotFirst = resolve));
  const text = (async () => {
    const decoder = new TextDecoder();
    let pending = '';
    let content = '';
    for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) {
      pending += decoder.decode(piece, { stream: true });
      let end: number;
      while ((end = pending.indexOf('\n\n')) !== -1) {
        const frame = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (!frame.startsWith('data: ') || frame === 'data: [DONE]') continue;
        const parsed = JSON.parse(frame.slice(6)) as { error?: unknown; choices?: Array<{ delta?: { content?: string } }> };
        events.push(parsed);
        if (parsed.error) throw new Error(`stream error event: ${JSON.stringify(parsed.error)}`);
        const piece = parsed.choices?.[0]?.delta?.content;
        if (piece) {
          if (content === '') gotFirst(piece);
          content += piece;
        }
      }
    }
    return content;
  })();
  // Observed by the test when it cares; an aborted stream's rejection is expected.
  text.catch(() => undefined);
  return { status: response.status, cacheStatus: response.headers.get('x-sluice-cache-status'), firstContent, text, events };
}

/** Rejects when `promise` has not settled within `ms`: what the test waits for must happen first. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms} ms: ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
