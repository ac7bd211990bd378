import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readChunkFixture, readJsonFixture } from '../../testing/read-fixture.js';
import { mintToolCallId, thoughtSignatureFromToolCallId } from './thought-signature.js';
import type { GenerateContentResponse } from './wire-types.js';

test('recorded signatures survive the trip through a tool-call id, in an id-safe alphabet', () => {
  const signatures = [
    readJsonFixture<GenerateContentResponse>('gemini/google-tool-call.json').candidates?.[0].content?.parts[0].thoughtSignature,
    ...readChunkFixture<GenerateContentResponse>('gemini/google-text.chunks.txt').map((event) => event.candidates?.[0].content?.parts[0].thoughtSignature),
    ...readChunkFixture<GenerateContentResponse>('gemini/google-tool-call.chunks.txt').map((event) => event.candidates?.[0].content?.parts[0].thoughtSignature),
  ].filter((signature): signature is string => typeof signature === 'string');
  assert.equal(signatures.length, 3);
  for (const signature of signatures) {
    const id = mintToolCallId(signature);
    assert.match(id, /^call_[0-9a-f]{24}__ts_[A-Za-z0-9_-]+$/);
    assert.equal(thoughtSignatureFromToolCallId(id), signature);
  }
});

test('ids without a signature, and foreign ids, carry none', () => {
  assert.match(mintToolCallId(), /^call_[0-9a-f]{24}$/);
  assert.equal(thoughtSignatureFromToolCallId(mintToolCallId()), undefined);
  assert.equal(thoughtSignatureFromToolCallId('call_abc123'), undefined);
  assert.equal(thoughtSignatureFromToolCallId('toolu_01A09q90qw90lq917835lq9'), undefined);
});

test('every padding length decodes back exactly', () => {
  for (const bytes of [[0xfb], [0xfb, 0xff], [0xfb, 0xff, 0xfe], [0xfb, 0xff, 0xfe, 0x3e]]) {
    const signature = Buffer.from(bytes).toString('base64');
    assert.equal(thoughtSignatureFromToolCallId(mintToolCallId(signature)), signature);
  }
});
