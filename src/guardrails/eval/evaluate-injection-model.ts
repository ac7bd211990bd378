import { LocalEmbedder } from '../../cache/semantic/local-embedder.js';
import { bundledInjectionModelPath, readInjectionModelFile } from '../injection-model/injection-model-file.js';
import { InjectionModel } from '../injection-model/injection-model.js';
import type { InjectionCase, Split } from './eval-corpus.js';
import { emptyCounts, falsePositiveRate, formatRatio, recall, type Counts } from './eval-metrics.js';

/** Which cases a detector flags, by case id. */
export type Flags = ReadonlyMap<string, boolean>;

/** Scores every case with the bundled learned detector (the sentence encoder in its worker, as the gateway runs it). */
export async function scoreWithInjectionModel(cases: readonly InjectionCase[], path = bundledInjectionModelPath) {
  const file = readInjectionModelFile(path);
  const encoder = new LocalEmbedder();
  try {
    const model = new InjectionModel(file, file.features.embedding ? (text) => encoder.embed(text) : undefined);
    const scores = new Map<string, number>();
    for (const item of cases) scores.set(item.id, await model.score(item.text));
    return { file, scores };
  } finally {
    await encoder.close();
  }
}

function countsFor(cases: readonly InjectionCase[], flags: Flags): Counts {
  const counts = emptyCounts();
  for (const item of cases) {
    const flagged = flags.get(item.id)!;
    if (item.label === 'injection') flagged ? counts.truePositives++ : counts.falseNegatives++;
    else flagged ? counts.falsePositives++ : counts.trueNegatives++;
  }
  return counts;
}

/** One line per detector, one recall/FPR cell per split, with the raw counts beside the ratios. */
export function printDetectorTable(cases: readonly InjectionCase[], splits: ReadonlyArray<Split | 'all'>, detectors: ReadonlyArray<[string, Flags]>): void {
  console.log(`  ${'detector'.padEnd(34)} ${splits.map((split) => `${split}: recall   FPR`.padStart(27)).join(' ')}`);
  for (const [name, flags] of detectors) {
    const cells = splits.map((split) => {
      const counts = countsFor(split === 'all' ? cases : cases.filter((item) => item.split === split), flags);
      const attacks = counts.truePositives + counts.falseNegatives;
      const benign = counts.falsePositives + counts.trueNegatives;
      return `${formatRatio(recall(counts))} ${formatRatio(falsePositiveRate(counts))} (${counts.truePositives}/${attacks} ${counts.falsePositives}/${benign})`.padStart(27);
    });
    console.log(`  ${name.padEnd(34)} ${cells.join(' ')}`);
  }
}
