import { seededRandom } from '../../math/seeded-random.js';
/**
 * Logistic regression over a sparse block (hashed n-grams) and an optional dense block (a
 * sentence embedding), trained by mini-batch Adam with L2 regularization. Everything that
 * varies between runs (the batch order) comes from a seeded generator, so the same data and
 * seed give bit-identical weights.
 */
export interface Example {
  sparse: { indices: Int32Array; values: Float64Array };
  dense?: Float32Array;
  label: 0 | 1;
}

export interface TrainingOptions {
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  l2: number;
}

export interface LinearModel {
  /** Sparse weights first (one per bucket), then dense weights (one per embedding dimension). */
  weights: Float64Array;
  bias: number;
  sparseSize: number;
}

export function sigmoid(value: number): number {
  return value >= 0 ? 1 / (1 + Math.exp(-value)) : Math.exp(value) / (1 + Math.exp(value));
}

export function predict(model: LinearModel, example: Pick<Example, 'sparse' | 'dense'>): number {
  let sum = model.bias;
  const { indices, values } = example.sparse;
  for (let position = 0; position < indices.length; position++) sum += model.weights[indices[position]] * values[position];
  if (example.dense) {
    const offset = model.sparseSize;
    for (let index = 0; index < example.dense.length; index++) sum += model.weights[offset + index] * example.dense[index];
  }
  return sigmoid(sum);
}

export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

export function trainLogisticRegression(examples: readonly Example[], sparseSize: number, denseSize: number, options: TrainingOptions): LinearModel {
  const size = sparseSize + denseSize;
  const model: LinearModel = { weights: new Float64Array(size), bias: 0, sparseSize };
  // Adam's running moments, one per weight plus the bias at index `size`.
  const firstMoment = new Float64Array(size + 1);
  const secondMoment = new Float64Array(size + 1);
  const gradient = new Float64Array(size + 1);
  const random = seededRandom(options.seed);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    const order = shuffled(examples, random);
    for (let start = 0; start < order.length; start += options.batchSize) {
      const batch = order.slice(start, start + options.batchSize);
      gradient.fill(0);
      for (const example of batch) {
        const error = (predict(model, example) - example.label) / batch.length;
        const { indices, values } = example.sparse;
        for (let position = 0; position < indices.length; position++) gradient[indices[position]] += error * values[position];
        if (example.dense) for (let index = 0; index < example.dense.length; index++) gradient[sparseSize + index] += error * example.dense[index];
        gradient[size] += error;
      }
      for (let index = 0; index < size; index++) gradient[index] += options.l2 * model.weights[index];
      step++;
      const correction1 = 1 - beta1 ** step;
      const correction2 = 1 - beta2 ** step;
      for (let index = 0; index <= size; index++) {
        firstMoment[index] = beta1 * firstMoment[index] + (1 - beta1) * gradient[index];
        secondMoment[index] = beta2 * secondMoment[index] + (1 - beta2) * gradient[index] * gradient[index];
        const update = (options.learningRate * (firstMoment[index] / correction1)) / (Math.sqrt(secondMoment[index] / correction2) + 1e-8);
        if (index === size) model.bias -= update;
        else model.weights[index] -= update;
      }
    }
  }
  return model;
}
