import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EntityScanner } from '../dlp/entity-scanner.js';
import { piiEntities, secretEntities } from '../dlp/entity-catalog.js';
import { scorePromptInjection } from '../injection/score-prompt-injection.js';
import { loadDlpCorpus, loadInjectionCorpus } from './eval-corpus.js';

/**
 * Regression guard on the labelled corpus (the figures `npm run eval:guardrails` prints): a
 * change to a detector that loses recall or adds false positives fails here. The bars are the
 * issue's targets; the held-out split is asserted on its measured level, below the target, so a
 * regression shows there too without pretending the target is met.
 */
test('corpus size: at least 200 attacks, 200 benign prompts and 300 DLP cases, with a held-out split', () => {
  const injection = loadInjectionCorpus();
  assert.ok(injection.filter((item) => item.label === 'injection').length >= 200);
  assert.ok(injection.filter((item) => item.label === 'benign').length >= 200);
  assert.ok(loadDlpCorpus().length >= 300);
  assert.ok(injection.filter((item) => item.split === 'heldout2' && item.label === 'injection').length >= 60);
  assert.ok(injection.filter((item) => item.split === 'heldout2' && item.label === 'benign').length >= 60);
  assert.ok(injection.some((item) => item.split === 'heldout') && loadDlpCorpus().some((item) => item.split === 'heldout'));
  // The blind split written before the learned detector: every attack category, mostly hard negatives.
  const third = injection.filter((item) => item.split === 'heldout3');
  const attackCategories = new Set(injection.filter((item) => item.label === 'injection').map((item) => item.category));
  assert.ok(third.filter((item) => item.label === 'injection').length >= 100);
  assert.deepEqual(new Set(third.filter((item) => item.label === 'injection').map((item) => item.category)), attackCategories);
  assert.ok(third.filter((item) => item.label === 'benign' && item.category !== 'chat').length >= 60);
  assert.equal(new Set(injection.map((item) => item.id)).size, injection.length, 'ids are unique');
});

test('injection: recall and false-positive rate at the default threshold', () => {
  const corpus = loadInjectionCorpus();
  const rate = (split: string, label: string) => {
    const items = corpus.filter((item) => item.split === split && item.label === label);
    return items.filter((item) => scorePromptInjection(item.text).score >= 0.8).length / items.length;
  };
  assert.ok(rate('dev', 'injection') >= 0.9, `dev recall ${rate('dev', 'injection')}`);
  assert.ok(rate('dev', 'benign') <= 0.03, `dev FPR ${rate('dev', 'benign')}`);
  assert.ok(rate('heldout', 'injection') >= 0.88, `held-out recall ${rate('heldout', 'injection')}`);
  assert.ok(rate('heldout', 'benign') <= 0.03, `held-out FPR ${rate('heldout', 'benign')}`);
  // The second held-out batch was written after the last tuning and shows how far the phrase
  // signals generalise to new wording: far below the target (measured 0.561 / 2 of 64).
  assert.ok(rate('heldout2', 'injection') >= 0.55, `held-out 2 recall ${rate('heldout2', 'injection')}`);
  assert.ok(rate('heldout2', 'benign') <= 2 / 64, `held-out 2 FPR ${rate('heldout2', 'benign')}`);
  // The third, blind batch: measured 0.479 (57/119) and 2 of 112.
  assert.ok(rate('heldout3', 'injection') >= 0.47, `held-out 3 recall ${rate('heldout3', 'injection')}`);
  assert.ok(rate('heldout3', 'benign') <= 2 / 112, `held-out 3 FPR ${rate('heldout3', 'benign')}`);
});

test('structured PII and secrets: recall at least 0.98 and precision at least 0.95 over the whole corpus', () => {
  const scanner = new EntityScanner({ entities: [...piiEntities, ...secretEntities] });
  let truePositives = 0;
  let falsePositives = 0;
  let expectedTotal = 0;
  for (const item of loadDlpCorpus()) {
    const found = scanner.scan(item.text).map((span) => ({ type: span.entity, value: item.text.slice(span.start, span.end) }));
    expectedTotal += item.entities.length;
    for (const detection of found) {
      const hit = item.entities.some((entity) => entity.type === detection.type && (entity.value.includes(detection.value) || detection.value.includes(entity.value)));
      if (hit) truePositives++;
      else falsePositives++;
    }
  }
  assert.ok(truePositives / expectedTotal >= 0.98, `recall ${truePositives}/${expectedTotal}`);
  assert.ok(truePositives / (truePositives + falsePositives) >= 0.95, `precision ${truePositives}/${truePositives + falsePositives}`);
});
