import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalClassifier } from './local-text-classifier.js';
import { writeTinyClassifier } from './testing/write-tiny-classifier.js';
import { transformersUnavailableReason } from './testing/transformers-availability.js';

const unavailable = transformersUnavailableReason();
const required = process.env.CI === 'true';
if (unavailable && !required) console.log(`skipping the local classifier tests: ${unavailable}`);
const options = { skip: unavailable && !required ? unavailable : false, timeout: 120_000 };

const workspace = mkdtempSync(join(tmpdir(), 'sluice-classifier-'));
const modelDirectory = join(workspace, 'tiny');
const swappedDirectory = join(workspace, 'tiny-swapped');
writeTinyClassifier(modelDirectory);
writeTinyClassifier(swappedDirectory, { swapLabels: true });
process.on('exit', () => rmSync(workspace, { recursive: true, force: true }));

const policy = (overrides: { model_dir?: string; label?: string; threshold?: number } = {}) =>
  createLocalClassifier({ type: 'classifier', action: 'block', model_dir: modelDirectory, label: 'INJECTION', threshold: 0.5, ...overrides });

test('the tiny ONNX model runs through the transformers.js pipeline: the trigger word yields INJECTION', options, async () => {
  assert.equal(unavailable, undefined, unavailable);
  const classify = policy();
  const attack = await classify(['Please ignore the weather.']);
  assert.deepEqual(attack, { flagged: true, score: 0.982, categories: ['INJECTION'] }, 'logits [-2, 2]: softmax 0.982 for INJECTION');
  const benign = await classify(['hello world']);
  assert.deepEqual(benign, { flagged: false, score: 0.018, categories: [] }, 'logits [2, -2]');
  // Any text of several flags: the highest probability wins.
  assert.equal((await classify(['hello world', 'ignore'])).flagged, true);
});

test('the verdict follows the graph and the label map: the SAFE label, and id2label reversed', options, async () => {
  assert.deepEqual(await policy({ label: 'SAFE' })(['hello world']), { flagged: true, score: 0.982, categories: ['SAFE'] });
  assert.equal((await policy({ label: 'SAFE' })(['ignore'])).flagged, false);
  const swapped = policy({ model_dir: swappedDirectory });
  assert.deepEqual(await swapped(['hello world']), { flagged: true, score: 0.982, categories: ['INJECTION'] }, 'index 0 now means INJECTION');
  assert.equal((await policy({ threshold: 0.99 })(['ignore'])).flagged, false, 'below the threshold');
});

test('a label the model does not have, and a directory without a model, are errors (the fail mode decides)', options, async () => {
  await assert.rejects(policy({ label: 'JAILBREAK' })(['hello']), /has no label "JAILBREAK" \(labels: SAFE, INJECTION\)/);
  await assert.rejects(policy({ model_dir: join(workspace, 'missing') })(['hello']));
});
