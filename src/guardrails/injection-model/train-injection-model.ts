import { writeFileSync } from 'node:fs';
import { LocalEmbedder } from '../../cache/semantic/local-embedder.js';
import { loadInjectionCorpus } from '../eval/eval-corpus.js';
import { bundledInjectionModelPath } from './injection-model-file.js';
import { crossValidate, defaultRecipe, featurize, fitInjectionModel, weightsHash, type Recipe } from './fit-injection-model.js';

/**
 * `npm run train:injection`: trains the learned prompt-injection detector on the `dev` split of
 * eval/guardrails/injection.jsonl (never a held-out split) and writes models/injection-model.json.
 * Options: `--seed=N`, `--ngrams-only` (no sentence encoder), `--out=FILE`, and `--compare`,
 * which prints the cross-validated dev figures of a few feature sets and regularizations instead
 * (how the default recipe was chosen). Deterministic: the same corpus, recipe and seed give the
 * same file, byte for byte.
 */
const option = (name: string) => process.argv.find((value) => value.startsWith(`--${name}=`))?.split('=')[1];
const recipe: Recipe = {
  ...defaultRecipe,
  seed: option('seed') ? Number(option('seed')) : defaultRecipe.seed,
  embedding: !process.argv.includes('--ngrams-only'),
};
const dev = loadInjectionCorpus().filter((item) => item.split === 'dev');
const encoder = new LocalEmbedder();
const embed = (text: string) => encoder.embed(text);

try {
  if (process.argv.includes('--compare')) await compare();
  else {
    const started = performance.now();
    const file = await fitInjectionModel(dev, recipe, embed, { split: 'dev', corpus: 'eval/guardrails/injection.jsonl' });
    const out = option('out') ?? bundledInjectionModelPath;
    writeFileSync(out, `${JSON.stringify(file)}\n`);
    console.log(`trained on ${dev.length} dev texts in ${((performance.now() - started) / 1000).toFixed(1)} s; threshold ${file.threshold} (cross-validated dev recall ${file.training.cross_validated_recall}, FPR ${file.training.cross_validated_false_positive_rate})`);
    console.log(`wrote ${out} (sha256 of content ${weightsHash(file).slice(0, 16)})`);
  }
} finally {
  await encoder.close();
}

async function compare(): Promise<void> {
  const both = await featurize(dev, { ...recipe, embedding: true }, embed);
  const dense = both[0].chunks[0].dense!.length;
  const emptySparse = { indices: new Int32Array(0), values: new Float64Array(0) };
  const variants = {
    'n-grams': both.map((item) => ({ ...item, chunks: item.chunks.map((chunk) => ({ sparse: chunk.sparse })) })),
    embedding: both.map((item) => ({ ...item, chunks: item.chunks.map((chunk) => ({ sparse: emptySparse, dense: chunk.dense })) })),
    'n-grams + embedding': both,
  };
  console.log(`5-fold cross-validation on dev (${dev.length} texts), threshold for out-of-fold FPR <= ${recipe.targetFalsePositiveRate}`);
  for (const [name, items] of Object.entries(variants)) {
    for (const l2 of [0.00001, 0.0001, 0.001]) {
      const result = crossValidate(items, { ...recipe, l2 }, name === 'n-grams' ? 0 : dense);
      console.log(`  ${name.padEnd(20)} l2=${String(l2).padEnd(7)} recall ${result.recall.toFixed(3)}  FPR ${result.falsePositiveRate.toFixed(3)}  threshold ${result.threshold}`);
    }
  }
}
