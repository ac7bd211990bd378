/** Confusion counts and the figures derived from them. */
export interface Counts {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  trueNegatives: number;
}

export const emptyCounts = (): Counts => ({ truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0 });

export function precision(counts: Counts): number | undefined {
  const predicted = counts.truePositives + counts.falsePositives;
  return predicted === 0 ? undefined : counts.truePositives / predicted;
}

export function recall(counts: Counts): number | undefined {
  const actual = counts.truePositives + counts.falseNegatives;
  return actual === 0 ? undefined : counts.truePositives / actual;
}

export function falsePositiveRate(counts: Counts): number | undefined {
  const negatives = counts.falsePositives + counts.trueNegatives;
  return negatives === 0 ? undefined : counts.falsePositives / negatives;
}

export function formatRatio(value: number | undefined): string {
  return value === undefined ? '   -  ' : value.toFixed(3).padStart(6);
}

export function addCounts(target: Counts, source: Counts): void {
  target.truePositives += source.truePositives;
  target.falsePositives += source.falsePositives;
  target.falseNegatives += source.falseNegatives;
  target.trueNegatives += source.trueNegatives;
}
