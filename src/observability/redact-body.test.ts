import assert from 'node:assert/strict';
import { test } from 'node:test';
import { redactBody } from './redact-body.js';

test('redacted bodies mask PII and secrets and keep the rest', () => {
  const body = JSON.stringify({ messages: [{ role: 'user', content: 'mail jane.doe@example.com the key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD please' }] });
  const redacted = redactBody(body);
  assert.ok(!redacted.includes('jane.doe@example.com'), redacted);
  assert.ok(!redacted.includes('sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD'), redacted);
  assert.match(redacted, /\[EMAIL\]/);
  assert.match(redacted, /please/);
  assert.equal(redactBody('nothing to hide'), 'nothing to hide');
});
