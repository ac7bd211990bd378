import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapFinishReason } from './map-finish-reason.js';

test('stop reasons map to OpenAI finish reasons', () => {
  assert.equal(mapFinishReason('end_turn'), 'stop');
  assert.equal(mapFinishReason('stop_sequence'), 'stop');
  assert.equal(mapFinishReason('pause_turn'), 'stop');
  assert.equal(mapFinishReason('max_tokens'), 'length');
  assert.equal(mapFinishReason('model_context_window_exceeded'), 'length');
  assert.equal(mapFinishReason('tool_use'), 'tool_calls');
  assert.equal(mapFinishReason('refusal'), 'content_filter');
  assert.equal(mapFinishReason(null), null);
  assert.equal(mapFinishReason('some_new_reason'), 'stop');
});
