import { Worker } from 'node:worker_threads';

export interface WriterThreadUsage {
  cpuNanoseconds?: number;
  io?: Record<string, number>;
}

interface Pending {
  resolve(usage?: WriterThreadUsage): void;
  reject(error: Error): void;
}

/**
 * The main-thread side of sqlite-log-write-worker.ts: hands batches of bound rows to the writer
 * thread and resolves when they are committed. A crashed thread fails what it held (the request
 * log writer keeps and retries those records) and the next batch starts a new one.
 */
export class SqliteLogWriteThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(
    private readonly path: string,
    private readonly busyTimeoutMs: number,
    private readonly rowsPerTransaction = 500,
    private readonly pragmas: readonly string[] = [],
  ) {}

  write(rows: unknown[][]): Promise<void> {
    const worker = this.start();
    const id = (this.nextId += 1);
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve: () => resolve(), reject });
      // Referenced while it holds rows: a shutdown awaiting the last flush must not exit under it.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, rows });
    });
  }

  /** The writer thread's CPU time and I/O counters so far (Linux), for benchmarks; starts the thread if needed. */
  measureThread(): Promise<WriterThreadUsage> {
    const worker = this.start();
    const id = (this.nextId += 1);
    return new Promise<WriterThreadUsage>((resolve, reject) => {
      this.pending.set(id, { resolve: (usage) => resolve(usage ?? {}), reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, measure: true });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    // The writer waits for its batches before closing the store, so nothing is in flight here.
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./sqlite-log-write-worker.js', import.meta.url), {
      workerData: { path: this.path, busyTimeoutMs: this.busyTimeoutMs, rowsPerTransaction: this.rowsPerTransaction, pragmas: this.pragmas },
      // A small young generation: this thread only holds the batch in hand, and each isolate's
      // default young generation alone would add tens of MB to the gateway's RSS.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
    // An idle writer must not keep the process alive.
    worker.unref();
    worker.on('message', ({ id, error, ...usage }: { id: number; error?: string } & WriterThreadUsage) => {
      const waiting = this.pending.get(id);
      if (!waiting) return;
      this.pending.delete(id);
      if (this.pending.size === 0) worker.unref();
      if (error === undefined) waiting.resolve(usage);
      else waiting.reject(new Error(error));
    });
    // An error thrown across the thread boundary may arrive as a plain object.
    worker.on('error', (error: unknown) => this.stopped(worker, error instanceof Error ? error : new Error(`the request-log writer thread failed: ${String((error as Error)?.message ?? error)}`)));
    worker.on('exit', (code) => this.stopped(worker, new Error(`the request-log writer thread exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private stopped(worker: Worker, error: Error): void {
    if (this.worker === worker) this.worker = undefined;
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(error);
    }
  }
}
