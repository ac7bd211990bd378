import { hashedNgrams, modelView, type NgramOptions } from './hashed-text-features.js';
import type { InjectionModelFile } from './injection-model-file.js';
import { predict, type LinearModel } from './logistic-regression.js';
import { textChunks } from './text-chunks.js';

/** Turns a text into a unit-length sentence vector (the bundled encoder, in a worker thread). */
export type EmbedText = (text: string) => Promise<Float32Array>;

/** The features of one chunk, as the trainer and the scorer both compute them. */
export async function chunkFeatures(chunk: string, ngrams: NgramOptions, embed: EmbedText | undefined) {
  const view = modelView(chunk);
  return { sparse: hashedNgrams(view, ngrams), dense: embed ? await embed(view) : undefined };
}

export function ngramOptionsOf(file: InjectionModelFile): NgramOptions {
  return { buckets: file.features.buckets, wordNgrams: file.features.word_ngrams, charNgrams: file.features.char_ngrams };
}

/**
 * The learned prompt-injection detector: a logistic-regression head over hashed n-grams and,
 * when the weight file says so, the bundled sentence encoder's vector. A text is scored in
 * overlapping chunks of the size the model was trained on, and its score is the highest chunk's.
 */
export class InjectionModel {
  private readonly linear: LinearModel;
  private readonly ngrams: NgramOptions;

  constructor(
    readonly file: InjectionModelFile,
    private readonly embed: EmbedText | undefined,
  ) {
    if (file.features.embedding && !embed) throw new Error(`this injection model needs the ${file.features.embedding} sentence encoder`);
    this.linear = { weights: Float64Array.from(file.weights), bias: file.bias, sparseSize: file.features.buckets };
    this.ngrams = ngramOptionsOf(file);
  }

  get usesEmbedding(): boolean {
    return this.file.features.embedding !== null;
  }

  /** Probability (0..1) that the text is an injection attempt: the maximum over its chunks. */
  async score(text: string, stopAt?: number): Promise<number> {
    let best = 0;
    for (const chunk of textChunks(text, this.file.chunk.size, this.file.chunk.overlap)) {
      const probability = predict(this.linear, await chunkFeatures(chunk, this.ngrams, this.file.features.embedding ? this.embed : undefined));
      if (probability > best) best = probability;
      if (stopAt !== undefined && best >= stopAt) break;
    }
    return best;
  }
}
