import { scorePromptInjection } from '../injection/score-prompt-injection.js';
import { EntityScanner } from '../dlp/entity-scanner.js';
import { piiEntities, secretEntities } from '../dlp/entity-catalog.js';
import { loadDlpCorpus, loadInjectionCorpus, type DlpCase, type InjectionCase, type Split } from './eval-corpus.js';
import { addCounts, emptyCounts, falsePositiveRate, formatRatio, precision, recall, type Counts } from './eval-metrics.js';
import { printDetectorTable, scoreWithInjectionModel } from './evaluate-injection-model.js';

/**
 * `npm run eval:guardrails`: precision, recall and false-positive rate of the heuristic
 * detectors on the labelled corpus in eval/guardrails, for the dev split (the one the weights
 * and patterns were tuned on and the learned detector was trained on), the held-out splits
 * (never tuned on; heldout3 was written before the learned detector existed) and all of them;
 * then the heuristic, the learned detector and the two together. `--no-model` skips the
 * learned detector (its sentence encoder takes about a minute over the corpus).
 * `--misses` lists the dev split's errors; `--misses=all` adds the held-out ones (reading them
 * to tune the detector spoils the held-out figures).
 */
const splits: Array<Split | 'all'> = ['dev', 'heldout', 'heldout2', 'heldout3', 'all'];
const argument = process.argv.find((value) => value.startsWith('--misses'));
const showMisses: Split[] = argument === undefined ? [] : argument === '--misses=all' ? ['dev', 'heldout', 'heldout2', 'heldout3'] : ['dev'];
const thresholdArgument = process.argv.find((value) => value.startsWith('--threshold='));
const threshold = thresholdArgument ? Number(thresholdArgument.split('=')[1]) : 0.8;

const inSplit = (split: Split | 'all') => (item: { split: Split }) => split === 'all' || item.split === split;

function evaluateInjection(cases: InjectionCase[]): void {
  const scored = cases.map((item) => ({ item, ...scorePromptInjection(item.text) }));
  console.log(`\nPrompt injection: own scoring detector, threshold ${threshold}`);
  console.log(`  ${'split'.padEnd(8)} attacks benign  recall    FPR  precision`);
  const byCategory = new Map<string, Record<string, { hit: number; total: number }>>();
  for (const split of splits) {
    const counts = emptyCounts();
    for (const { item, score } of scored.filter(({ item }) => inSplit(split)(item))) {
      const flagged = score >= threshold;
      const attack = item.label === 'injection';
      if (attack && flagged) counts.truePositives++;
      else if (attack) counts.falseNegatives++;
      else if (flagged) counts.falsePositives++;
      else counts.trueNegatives++;
      const perCategory = byCategory.get(item.category) ?? {};
      const cell = (perCategory[split] ??= { hit: 0, total: 0 });
      cell.total++;
      if (flagged) cell.hit++;
      byCategory.set(item.category, perCategory);
    }
    const attacks = counts.truePositives + counts.falseNegatives;
    const benign = counts.falsePositives + counts.trueNegatives;
    console.log(`  ${split.padEnd(8)} ${String(attacks).padStart(7)} ${String(benign).padStart(6)} ${formatRatio(recall(counts))} ${formatRatio(falsePositiveRate(counts))} ${formatRatio(precision(counts))}`);
  }
  console.log(`  flagged share per category (attacks: recall; benign: false positives)   dev   heldout  heldout2  heldout3   all`);
  for (const [category, cells] of [...byCategory].sort()) {
    const row = splits.map((split) => (cells[split] ? `${cells[split].hit}/${cells[split].total}`.padStart(8) : '       -')).join(' ');
    console.log(`    ${category.padEnd(22)} ${row}`);
  }
  for (const { item, score, signals } of scored) {
    if (!showMisses.includes(item.split)) continue;
    const flagged = score >= threshold;
    if (flagged === (item.label === 'injection')) continue;
    console.log(`  MISS ${item.id} ${item.label} score=${score} [${signals.join(',')}] ${JSON.stringify(item.text.slice(0, 140))}`);
  }
}

interface Found {
  type: string;
  start: number;
  end: number;
}

/** A detection matches an expected entity of the same type when they overlap by 80% of their union. */
function matches(found: Found, expected: Found): boolean {
  if (found.type !== expected.type) return false;
  const overlap = Math.min(found.end, expected.end) - Math.max(found.start, expected.start);
  const union = Math.max(found.end, expected.end) - Math.min(found.start, expected.start);
  return overlap > 0 && overlap / union >= 0.8;
}

function evaluateDlp(cases: DlpCase[]): void {
  // The DLP corpus has no second held-out batch: only splits with cases get a column.
  const dlpSplits = splits.filter((split) => split === 'all' || cases.some((item) => item.split === split));
  const scanner = new EntityScanner({ entities: [...piiEntities, ...secretEntities] });
  const results = cases.map((item) => {
    const found: Found[] = scanner.scan(item.text).map((span) => ({ type: span.entity, start: span.start, end: span.end }));
    const expected: Found[] = item.entities.map((entity) => {
      const start = item.text.indexOf(entity.value);
      if (start === -1) throw new Error(`${item.id}: "${entity.value}" is not in the text`);
      return { type: entity.type, start, end: start + entity.value.length };
    });
    return { item, found, expected };
  });
  console.log('\nDLP: PII and secrets (entity-level; a detection counts when it covers the labelled value)');
  const entities = [...piiEntities, ...secretEntities];
  console.log(`  ${'entity'.padEnd(16)} ${dlpSplits.map((split) => `${split.padStart(7)}: P      R     (tp/fp/fn)`).join('  ')}`);
  const detectorTotals: Record<string, Record<string, Counts>> = { pii: {}, secrets: {} };
  for (const entity of entities) {
    const row: string[] = [];
    for (const split of dlpSplits) {
      const counts = emptyCounts();
      for (const { item, found, expected } of results.filter(({ item }) => inSplit(split)(item))) {
        const expectedHere = expected.filter((entry) => entry.type === entity);
        const foundHere = found.filter((entry) => entry.type === entity);
        counts.truePositives += expectedHere.filter((entry) => foundHere.some((candidate) => matches(candidate, entry))).length;
        counts.falseNegatives += expectedHere.filter((entry) => !foundHere.some((candidate) => matches(candidate, entry))).length;
        counts.falsePositives += foundHere.filter((candidate) => !expectedHere.some((entry) => matches(candidate, entry))).length;
        void item;
      }
      const detector = (piiEntities as readonly string[]).includes(entity) ? 'pii' : 'secrets';
      addCounts((detectorTotals[detector][split] ??= emptyCounts()), counts);
      row.push(`${formatRatio(precision(counts))} ${formatRatio(recall(counts))} (${counts.truePositives}/${counts.falsePositives}/${counts.falseNegatives})`.padStart(27));
    }
    console.log(`  ${entity.padEnd(16)} ${row.join('  ')}`);
  }
  for (const [detector, perSplit] of Object.entries(detectorTotals)) {
    const row = dlpSplits.map((split) => {
      const counts = perSplit[split];
      return `${formatRatio(precision(counts))} ${formatRatio(recall(counts))} (${counts.truePositives}/${counts.falsePositives}/${counts.falseNegatives})`.padStart(27);
    });
    console.log(`  ${`[${detector}]`.padEnd(16)} ${row.join('  ')}`);
  }
  const negativeRow = dlpSplits.map((split) => {
    const negatives = results.filter(({ item }) => inSplit(split)(item) && item.entities.length === 0);
    const flagged = negatives.filter(({ found }) => found.length > 0).length;
    return `FPR ${formatRatio(flagged / negatives.length)} (${flagged}/${negatives.length})`.padStart(27);
  });
  console.log(`  ${'negative texts'.padEnd(16)} ${negativeRow.join('  ')}`);
  for (const { item, found, expected } of results) {
    if (!showMisses.includes(item.split)) continue;
    const missed = expected.filter((entry) => !found.some((candidate) => matches(candidate, entry)));
    const extra = found.filter((candidate) => !expected.some((entry) => matches(candidate, entry)));
    for (const entry of missed) console.log(`  MISS ${item.id} ${entry.type} ${JSON.stringify(item.text.slice(entry.start, entry.end))}`);
    for (const entry of extra) console.log(`  EXTRA ${item.id} ${entry.type} ${JSON.stringify(item.text.slice(entry.start, entry.end))} in ${JSON.stringify(item.text.slice(0, 100))}`);
  }
}

/**
 * The heuristic, the learned detector at the threshold stored in its weight file (chosen by
 * cross-validation on dev, never on a held-out split), and both policies attached together
 * (a request is stopped when either fires). The learned detector's dev figures are in-sample;
 * its out-of-fold dev figures come from the weight file.
 */
async function compareInjectionDetectors(cases: InjectionCase[]): Promise<void> {
  const { file, scores } = await scoreWithInjectionModel(cases);
  const heuristic = new Map(cases.map((item) => [item.id, scorePromptInjection(item.text).score >= threshold]));
  const learned = new Map(cases.map((item) => [item.id, scores.get(item.id)! >= file.threshold]));
  const either = new Map(cases.map((item) => [item.id, heuristic.get(item.id)! || learned.get(item.id)!]));
  console.log(`\nPrompt injection: heuristic, learned detector (models/injection-model.json) and both`);
  console.log(`  learned threshold ${file.threshold}, chosen on dev by ${file.training.folds}-fold cross-validation for an out-of-fold FPR <= ${file.training.target_false_positive_rate}: out-of-fold dev recall ${file.training.cross_validated_recall}, FPR ${file.training.cross_validated_false_positive_rate}`);
  printDetectorTable(cases, splits, [
    [`heuristic (score >= ${threshold})`, heuristic],
    [`learned (p >= ${file.threshold}; dev in-sample)`, learned],
    ['heuristic or learned', either],
  ]);
  for (const item of cases) {
    if (!showMisses.includes(item.split) || either.get(item.id) === (item.label === 'injection')) continue;
    console.log(`  MISS ${item.id} ${item.label} learned=${scores.get(item.id)!.toFixed(3)} ${JSON.stringify(item.text.slice(0, 140))}`);
  }
}

const injectionCases = loadInjectionCorpus();
evaluateInjection(injectionCases);
if (!process.argv.includes('--no-model')) await compareInjectionDetectors(injectionCases);
evaluateDlp(loadDlpCorpus());
