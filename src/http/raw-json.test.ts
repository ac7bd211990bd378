import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonText, rememberRawJson } from './raw-json.js';

test('a parsed answer nothing replaced goes out as its original bytes; a new object is serialized', () => {
  const text = '{ "id": "chatcmpl-1", "choices": [ ] , "note": "caf\\u00e9" }';
  const completion = JSON.parse(text) as { id: string; choices: unknown[] };
  rememberRawJson(completion, text);
  assert.equal(jsonText(completion), text);
  const rewritten = { ...completion, id: 'chatcmpl-2' };
  assert.equal(jsonText(rewritten), JSON.stringify(rewritten));
  assert.equal(jsonText({ a: 1 }), '{"a":1}');
  assert.equal(jsonText(null), 'null');
});
