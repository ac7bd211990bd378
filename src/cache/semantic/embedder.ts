import type { CancelSignal } from '../../http/cancellation.js';
import type { PricedCall } from '../../usage/price-table.js';

/** One paid embedding call: the model that answered and the tokens it reported (if it did). */
export interface EmbeddingCall extends PricedCall {
  usage?: { prompt_tokens: number; total_tokens?: number };
}

/** Turns a prompt into a unit-length vector. `id` names the model: vectors of different models never meet. */
export interface Embedder {
  readonly id: string;
  /**
   * `onCall` hears of every upstream call that answered, even one the caller stopped waiting for
   * (timeout): it was paid for all the same. The local model makes no such call.
   */
  embed(text: string, signal: CancelSignal, onCall?: (call: EmbeddingCall) => void): Promise<Float32Array>;
  /** One-time setup (loading a model) that a request waits for outside its embedding timeout. */
  prepare?(): Promise<void>;
  close?(): Promise<void>;
}
