import type { CancelSignal } from '../../http/cancellation.js';

/** Turns a prompt into a unit-length vector. `id` names the model: vectors of different models never meet. */
export interface Embedder {
  readonly id: string;
  embed(text: string, signal: CancelSignal): Promise<Float32Array>;
  /** One-time setup (loading a model) that a request waits for outside its embedding timeout. */
  prepare?(): Promise<void>;
  close?(): Promise<void>;
}
