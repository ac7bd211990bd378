import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mapFinishReason } from './map-finish-reason.js';

test('Gemini finish reasons map to OpenAI ones', () => {
  const cases: Array<[string | undefined, boolean, string]> = [
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    [undefined, true, 'tool_calls'],
    [undefined, false, 'stop'],
    ['MAX_TOKENS', false, 'length'],
    ['MAX_TOKENS', true, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['LANGUAGE', false, 'stop'],
    ['OTHER', false, 'stop'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['FINISH_REASON_UNSPECIFIED', false, 'stop'],
  ];
  for (const [reason, hasCalls, expected] of cases) {
    assert.equal(mapFinishReason(reason, hasCalls), expected, `${reason} with calls=${hasCalls}`);
  }
});
