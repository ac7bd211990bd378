import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadInjectionCorpus } from '../eval/eval-corpus.js';
import { defaultRecipe, fitInjectionModel, weightsHash, type Recipe } from './fit-injection-model.js';
import { InjectionModel } from './injection-model.js';
import { injectionModelFileSchema } from './injection-model-file.js';
import { textChunks } from './text-chunks.js';

/** A small dev subset and the n-gram block only, so training takes well under a second. */
const subset = (() => {
  const dev = loadInjectionCorpus().filter((item) => item.split === 'dev');
  return [...dev.filter((item) => item.label === 'injection').slice(0, 30), ...dev.filter((item) => item.label === 'benign').slice(0, 30)];
})();
const recipe: Recipe = { ...defaultRecipe, embedding: false, ngrams: { ...defaultRecipe.ngrams, buckets: 1024 }, epochs: 8, folds: 3 };

test('training is reproducible: the same data and seed give the same weights, another seed other weights', async () => {
  const first = await fitInjectionModel(subset, recipe, undefined);
  const second = await fitInjectionModel(subset, recipe, undefined);
  assert.equal(weightsHash(first), weightsHash(second));
  const reseeded = await fitInjectionModel(subset, { ...recipe, seed: recipe.seed + 1 }, undefined);
  assert.notEqual(weightsHash(reseeded), weightsHash(first));
  assert.equal(injectionModelFileSchema.safeParse(first).success, true, 'what the trainer writes is what the gateway reads');
});

test('a trained model separates what it was trained on, and scores a text by its worst chunk', async () => {
  const file = await fitInjectionModel(subset, recipe, undefined);
  const model = new InjectionModel(file, undefined);
  const attacks = subset.filter((item) => item.label === 'injection');
  const benign = subset.filter((item) => item.label === 'benign');
  const mean = async (items: typeof subset) => (await Promise.all(items.map((item) => model.score(item.text)))).reduce((sum, score) => sum + score, 0) / items.length;
  assert.ok((await mean(attacks)) > (await mean(benign)) + 0.3);
  const attack = attacks[0].text;
  const padding = benign.map((item) => item.text).join(' ');
  assert.ok(padding.length > file.chunk.size * 2);
  assert.ok((await model.score(`${padding} ${attack} ${padding}`)) >= (await model.score(padding)));
});

test('chunks: short texts whole, long ones in overlapping windows no longer than the size, covering every character', () => {
  assert.deepEqual(textChunks('short text', 512, 128), ['short text']);
  const text = Array.from({ length: 400 }, (_, index) => `word${index}`).join(' ');
  const chunks = textChunks(text, 512, 128);
  assert.ok(chunks.length > 4);
  assert.ok(chunks.every((chunk) => chunk.length <= 512));
  let covered = 0;
  for (const chunk of chunks) {
    const start = text.indexOf(chunk, Math.max(0, covered - 200));
    assert.ok(start !== -1 && start <= covered, 'no gap between windows');
    covered = start + chunk.length;
  }
  assert.equal(covered, text.length);
  assert.deepEqual(textChunks('x'.repeat(1000), 512, 128).map((chunk) => chunk.length), [512, 512, 232]);
});
