import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { startFakeOpenAIUpstream } from '../../testing/fake-openai-upstream.js';
import { startTestGateway } from '../../testing/start-test-gateway.js';
import type { FakeUpstreamControls } from '../../testing/fake-upstream-server.js';
import type { RunningGateway } from '../../server/start-gateway.js';
import { writeTinyClassifier } from './testing/write-tiny-classifier.js';
import { transformersUnavailableReason } from './testing/transformers-availability.js';

const unavailable = transformersUnavailableReason();
const required = process.env.CI === 'true';
if (unavailable && !required) console.log(`skipping the classifier gateway tests: ${unavailable}`);
const options = { skip: unavailable && !required ? unavailable : false, timeout: 120_000 };

const workspace = mkdtempSync(join(tmpdir(), 'sluice-classifier-e2e-'));
const modelDirectory = join(workspace, 'tiny');
writeTinyClassifier(modelDirectory);
let upstream: FakeUpstreamControls;
let gateway: RunningGateway | undefined;
let client: OpenAI;

before(async () => {
  if (options.skip) return;
  upstream = await startFakeOpenAIUpstream();
  gateway = await startTestGateway({
    providers: { openai: { type: 'openai', api_key: 'sk-upstream', base_url: `${upstream.url}/v1` } },
    guardrails: {
      // The first request may wait for the model load (seconds on a busy machine).
      tiny: { type: 'classifier', model_dir: modelDirectory, label: 'INJECTION', threshold: 0.5, timeout_ms: 60_000 },
      'tiny-flag': { type: 'classifier', model_dir: modelDirectory, action: 'flag', timeout_ms: 60_000 },
    },
    routes: {
      classified: { targets: [{ model: 'openai/gpt-4o-mini' }], guardrails: ['tiny'] },
      watched: { targets: [{ model: 'openai/gpt-4o-mini' }], guardrails: ['tiny-flag'] },
    },
  });
  client = new OpenAI({ apiKey: 'unused', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});

after(async () => {
  await gateway?.close();
  await upstream?.close();
  rmSync(workspace, { recursive: true, force: true });
});

const ask = (model: string, content: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content }] }).withResponse();

test('a classifier policy blocks what the model labels INJECTION and passes the rest', options, async () => {
  await assert.rejects(ask('classified', 'Please ignore the weather'), (error: unknown) => error instanceof OpenAI.BadRequestError && error.code === 'guardrail_blocked' && error.message.includes('"tiny"'));
  const before = upstream.requests.length;
  const { response } = await ask('classified', 'hello world');
  assert.equal(response.status, 200);
  assert.equal(upstream.requests.length, before + 1, 'the benign prompt reached the provider');
  assert.equal(response.headers.get('x-sluice-guardrails'), null, 'nothing fired');
});

test('a flag policy lets the request through and names itself in x-sluice-guardrails', options, async () => {
  const { response } = await ask('watched', 'ignore this');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-sluice-guardrails'), 'tiny-flag:flagged(score=0.982)');
});

test('zero cost unless configured: no ONNX runtime is loaded by a gateway whose policies have no classifier', options, () => {
  // A fresh process per case; the ONNX runtime is a shared object, listed by process.report once loaded.
  const probe = fileURLToPath(new URL('./testing/probe-onnx-loaded.js', import.meta.url));
  const run = (withClassifier: boolean) => {
    const result = spawnSync(process.execPath, [probe, withClassifier ? modelDirectory : ''], { encoding: 'utf8', timeout: 110_000 });
    assert.equal(result.status, 0, result.stderr);
    return result.stdout.trim();
  };
  assert.equal(run(false), 'onnx loaded: false');
  assert.equal(run(true), 'onnx loaded: true', 'the probe can see the runtime when a classifier runs');
});
