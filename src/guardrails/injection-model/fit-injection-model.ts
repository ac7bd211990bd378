import { createHash } from 'node:crypto';
import type { InjectionModelFile } from './injection-model-file.js';
import { chunkFeatures, type EmbedText } from './injection-model.js';
import { seededRandom } from '../../math/seeded-random.js';
import { predict, shuffled, trainLogisticRegression, type Example, type TrainingOptions } from './logistic-regression.js';
import { textChunks } from './text-chunks.js';
import type { NgramOptions } from './hashed-text-features.js';

export interface LabelledText {
  text: string;
  label: 'injection' | 'benign';
}

/** Everything that decides the weights: the feature recipe and the optimiser's settings. */
export interface Recipe extends TrainingOptions {
  ngrams: NgramOptions;
  embedding: boolean;
  chunkSize: number;
  chunkOverlap: number;
  folds: number;
  /** The threshold is set so that at most this share of dev's benign texts score at or above it, out of fold. */
  targetFalsePositiveRate: number;
}

export const defaultRecipe: Recipe = {
  ngrams: { buckets: 8192, wordNgrams: [1, 2], charNgrams: [3, 5] },
  embedding: true,
  chunkSize: 512,
  chunkOverlap: 128,
  folds: 5,
  targetFalsePositiveRate: 0.02,
  seed: 8,
  epochs: 100,
  batchSize: 16,
  learningRate: 0.01,
  l2: 0.001,
};

interface FeaturedText {
  chunks: Array<Omit<Example, 'label'>>;
  label: 0 | 1;
}

export async function featurize(texts: readonly LabelledText[], recipe: Recipe, embed: EmbedText | undefined): Promise<FeaturedText[]> {
  const featured: FeaturedText[] = [];
  for (const item of texts) {
    const chunks = [];
    for (const chunk of textChunks(item.text, recipe.chunkSize, recipe.chunkOverlap)) chunks.push(await chunkFeatures(chunk, recipe.ngrams, recipe.embedding ? embed : undefined));
    featured.push({ chunks, label: item.label === 'injection' ? 1 : 0 });
  }
  return featured;
}

function train(items: readonly FeaturedText[], recipe: Recipe, denseSize: number) {
  const examples = items.flatMap((item) => item.chunks.map((chunk) => ({ ...chunk, label: item.label })));
  return trainLogisticRegression(examples, recipe.ngrams.buckets, denseSize, recipe);
}

export interface CrossValidation {
  scores: Array<{ score: number; label: 0 | 1 }>;
  threshold: number;
  recall: number;
  falsePositiveRate: number;
}

/**
 * Out-of-fold scores on the training texts (folds drawn with the recipe's seed), and the
 * threshold that keeps the out-of-fold false-positive rate at the target: scores the model
 * gives texts it was not trained on, so the threshold is not set on memorised examples.
 */
export function crossValidate(items: readonly FeaturedText[], recipe: Recipe, denseSize: number): CrossValidation {
  const order = shuffled(items.map((_, index) => index), seededRandom(recipe.seed ^ 0x5eed));
  const scores: Array<{ score: number; label: 0 | 1 }> = [];
  for (let fold = 0; fold < recipe.folds; fold++) {
    const held = new Set(order.filter((_, position) => position % recipe.folds === fold));
    const model = train(items.filter((_, index) => !held.has(index)), recipe, denseSize);
    for (const index of held) scores.push({ score: Math.max(...items[index].chunks.map((chunk) => predict(model, chunk))), label: items[index].label });
  }
  const benign = scores.filter((entry) => entry.label === 0).map((entry) => entry.score).sort((left, right) => right - left);
  const allowed = Math.floor(recipe.targetFalsePositiveRate * benign.length);
  // Just above the highest benign score that must not fire, rounded up to four decimals.
  const threshold = Math.min(1, Math.ceil((benign[allowed] ?? 0) * 10_000 + 1e-6) / 10_000);
  const attacks = scores.filter((entry) => entry.label === 1);
  return {
    scores,
    threshold,
    recall: attacks.filter((entry) => entry.score >= threshold).length / attacks.length,
    falsePositiveRate: benign.filter((score) => score >= threshold).length / benign.length,
  };
}

/** Trains on every text, picks the threshold by cross-validation, and returns the weight file's content. */
export async function fitInjectionModel(texts: readonly LabelledText[], recipe: Recipe, embed: EmbedText | undefined, description: Record<string, unknown> = {}): Promise<InjectionModelFile> {
  const items = await featurize(texts, recipe, embed);
  const denseSize = items.find((item) => item.chunks[0]?.dense)?.chunks[0].dense?.length ?? 0;
  const validation = crossValidate(items, recipe, denseSize);
  const model = train(items, recipe, denseSize);
  const round = (value: number) => Math.round(value * 1e5) / 1e5;
  return {
    format: 'sluice-injection-model',
    version: 1,
    features: {
      buckets: recipe.ngrams.buckets,
      word_ngrams: recipe.ngrams.wordNgrams,
      char_ngrams: recipe.ngrams.charNgrams,
      embedding: recipe.embedding ? 'local:use-lite-512' : null,
      embedding_dimensions: denseSize,
    },
    chunk: { size: recipe.chunkSize, overlap: recipe.chunkOverlap },
    bias: round(model.bias),
    weights: Array.from(model.weights, round),
    threshold: validation.threshold,
    training: {
      ...description,
      texts: texts.length,
      attacks: texts.filter((item) => item.label === 'injection').length,
      texts_sha256: createHash('sha256').update(texts.map((item) => `${item.label}\t${item.text}`).join('\n')).digest('hex'),
      seed: recipe.seed,
      epochs: recipe.epochs,
      batch_size: recipe.batchSize,
      learning_rate: recipe.learningRate,
      l2: recipe.l2,
      folds: recipe.folds,
      target_false_positive_rate: recipe.targetFalsePositiveRate,
      cross_validated_recall: round(validation.recall),
      cross_validated_false_positive_rate: round(validation.falsePositiveRate),
    },
  };
}

/** What the reproducibility test compares: a hash of the serialized weight file. */
export function weightsHash(file: InjectionModelFile): string {
  return createHash('sha256').update(JSON.stringify(file)).digest('hex');
}
