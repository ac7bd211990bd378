import { GatewayError } from '../errors/gateway-errors.js';
import { Cancellation } from '../http/cancellation.js';
import type { ChatCompletionChunk } from '../schema/chat-completion-response.js';
import type { CachedAnswer } from './cache-backend.js';

/** What a waiter learns first about the miss it joined. */
export type FlightStart = 'stream' | 'answer' | 'none';

export interface FlightLimits {
  /** Past this many (approximate) bytes the answer will not be stored, and the log stops keeping everything. */
  maxBytes: number;
  /** The pump waits while every reader is this many chunks behind (back-pressure from the fastest client). */
  highWaterChunks: number;
  /** Once the log no longer keeps everything, a reader this many chunks behind is cut off. */
  maxLagChunks: number;
}

export const defaultFlightLimits: Omit<FlightLimits, 'maxBytes'> = { highWaterChunks: 64, maxLagChunks: 4096 };

/** A waiter fell so far behind a shared stream too large to keep that its next chunks are gone. */
export class SharedStreamOverrunError extends GatewayError {
  constructor() {
    super(502, 'upstream_error', 'This client read the shared answer too slowly: the part it had not read yet was no longer kept.', { code: 'cache_stream_overrun' });
  }
}

interface Reader {
  cursor: number;
  wake: (() => void) | undefined;
  overrun: boolean;
}

/** Cheap size estimate of a chunk: the text it carries plus a fixed envelope. */
function approximateBytes(chunk: ChatCompletionChunk): number {
  let bytes = 200;
  for (const choice of chunk.choices) {
    const { content, refusal, tool_calls: toolCalls } = choice.delta;
    if (typeof content === 'string') bytes += content.length;
    if (typeof refusal === 'string') bytes += refusal.length;
    for (const call of toolCalls ?? []) bytes += 64 + (call.function?.arguments?.length ?? 0) + (call.function?.name?.length ?? 0);
  }
  return bytes;
}

/**
 * One upstream call shared by identical concurrent misses (single-flight).
 *
 * A streamed answer is read from upstream by a pump of its own, not by the leader's client: every
 * client — the leader included — is a reader with a cursor into one shared log of chunks, so a
 * late joiner gets the chunks so far and then the live ones, a slow reader slows nobody else
 * (the pump only waits while even the fastest reader is `highWaterChunks` behind), and the
 * leader's client may leave without ending the call for the others. The upstream call is
 * cancelled only when no one is attached any more. The log is the recording the cache stores,
 * bounded by the entry size; past it the answer is not stored, the flight takes no new joiners,
 * the log is trimmed to the slowest reader, and a reader `maxLagChunks` behind is cut off with
 * an error event (its earlier chunks already went out, so it cannot start over).
 */
export class SharedFlight {
  /** The upstream call listens to this instead of the leader's client. */
  readonly cancellation = new Cancellation();
  /** Provider and model of the answer being streamed (for a waiter's headers). */
  source: { provider: string; model: string } | undefined;
  private log: ChatCompletionChunk[] = [];
  /** Absolute index of log[0]; above 0 once the log is trimmed. */
  private base = 0;
  private bytes = 0;
  private keepsAll = true;
  private readonly readers = new Set<Reader>();
  private attached = 0;
  private ended = false;
  private failure: unknown;
  private finished = false;
  private pumpWake: (() => void) | undefined;
  private pumping: Promise<void> | undefined;
  private announce!: (start: FlightStart) => void;
  /** Resolves once: when the first chunk is in the log, the leader's JSON answer is known, or there will be none. */
  readonly started: Promise<FlightStart> = new Promise((resolve) => (this.announce = resolve));
  private deliver!: (answer: CachedAnswer | undefined) => void;
  /** The complete answer with its cost once the leader settled it; undefined when there is none to share. */
  readonly settled: Promise<CachedAnswer | undefined> = new Promise((resolve) => (this.deliver = resolve));

  constructor(
    private readonly limits: FlightLimits,
    /** Called when the flight stops taking joiners (settled, failed, or too large to keep). */
    private readonly onClosed: () => void,
  ) {}

  /** Whether the whole answer is still in the log (so it may be stored and joined). */
  get complete(): boolean {
    return this.ended && this.keepsAll && this.failure === undefined;
  }

  /** The chunks recorded so far; whole only while `keepsAll`. */
  get chunks(): readonly ChatCompletionChunk[] {
    return this.log;
  }

  /**
   * Registers an interested party (the leader's call, a waiter); the returned function releases
   * it (idempotent). When the last one leaves before the answer is complete, the call is cancelled.
   */
  attach(): () => void {
    this.attached += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.attached -= 1;
      if (this.attached === 0 && !this.ended && this.failure === undefined) this.cancellation.abort(new Error('every client of the shared call went away'));
    };
  }

  /** The leader's upstream answered with a stream: start reading it for everyone. */
  startStream(chunks: AsyncIterable<ChatCompletionChunk>, source: { provider: string; model: string }): void {
    this.source = source;
    this.pumping = this.pump(chunks);
  }

  /** Resolves when the shared stream has ended (or at once when there is none). */
  whenStreamEnds(): Promise<void> {
    return this.pumping ?? Promise.resolve();
  }

  /** The leader failed before it had an answer: waiters fall back to their own calls. */
  fail(error: unknown): void {
    if (this.failure === undefined) this.failure = error ?? new Error('the shared call failed');
    this.announce('none');
    this.wakeReaders();
    this.settle(undefined);
  }

  /** The leader's final word (JSON waiters' answer and every hit's saved cost); closes the flight. */
  settle(answer: CachedAnswer | undefined): void {
    if (this.finished) return;
    this.finished = true;
    this.announce(answer ? 'answer' : 'none');
    this.deliver(answer);
    this.onClosed();
  }

  /**
   * The shared chunks from the first one, at this reader's pace; ends early when `abort` fires.
   * The reader is attached from this call on (not from its first read), so the call is never
   * cancelled in between.
   */
  read(abort: Cancellation): AsyncGenerator<ChatCompletionChunk> {
    const reader: Reader = { cursor: this.base, wake: undefined, overrun: false };
    // A reader that joins after the log was trimmed cannot have the whole answer.
    if (this.base > 0) reader.overrun = true;
    this.readers.add(reader);
    const release = this.attach();
    // Also on abort: a reader whose client left before it was ever iterated must not hold the call.
    const leave = () => {
      abort.removeListener('abort', leave);
      this.readers.delete(reader);
      reader.wake?.();
      this.pumpWake?.();
      release();
    };
    abort.once('abort', leave);
    return this.readFor(reader, abort, leave);
  }

  private async *readFor(reader: Reader, abort: Cancellation, leave: () => void): AsyncGenerator<ChatCompletionChunk> {
    try {
      for (;;) {
        if (abort.aborted) return;
        if (reader.overrun || reader.cursor < this.base) throw new SharedStreamOverrunError();
        if (reader.cursor < this.base + this.log.length) {
          const chunk = this.log[reader.cursor - this.base];
          reader.cursor += 1;
          this.pumpWake?.();
          yield chunk;
          continue;
        }
        if (this.failure !== undefined) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => (reader.wake = resolve));
        reader.wake = undefined;
      }
    } finally {
      leave();
    }
  }

  private async pump(chunks: AsyncIterable<ChatCompletionChunk>): Promise<void> {
    try {
      for await (const chunk of chunks) {
        this.append(chunk);
        while (this.allReadersBehind() && !this.cancellation.aborted) await new Promise<void>((resolve) => (this.pumpWake = resolve));
        this.pumpWake = undefined;
      }
      this.ended = true;
    } catch (error) {
      this.failure = error ?? new Error('the shared stream failed');
      this.onClosed();
    }
    this.announce(this.log.length > 0 || this.base > 0 ? 'stream' : 'none');
    this.wakeReaders();
  }

  private append(chunk: ChatCompletionChunk): void {
    this.log.push(chunk);
    if (this.keepsAll) {
      this.bytes += approximateBytes(chunk);
      if (this.bytes > this.limits.maxBytes) {
        this.keepsAll = false;
        this.onClosed();
      }
    }
    if (!this.keepsAll) this.trim();
    this.announce('stream');
    this.wakeReaders();
  }

  /** Drops what every reader has read, cutting off readers too far behind to keep waiting for. */
  private trim(): void {
    const head = this.base + this.log.length;
    let slowest = head;
    for (const reader of this.readers) {
      if (head - reader.cursor > this.limits.maxLagChunks) reader.overrun = true;
      else slowest = Math.min(slowest, reader.cursor);
    }
    if (slowest > this.base) {
      this.log = this.log.slice(slowest - this.base);
      this.base = slowest;
    }
  }

  private allReadersBehind(): boolean {
    const head = this.base + this.log.length;
    let counted = 0;
    for (const reader of this.readers) {
      // A reader already cut off leaves at its next read: it holds no one back.
      if (reader.overrun) continue;
      counted += 1;
      if (head - reader.cursor < this.limits.highWaterChunks) return false;
    }
    return counted > 0;
  }

  private wakeReaders(): void {
    for (const reader of this.readers) reader.wake?.();
  }
}
