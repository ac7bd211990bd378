import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFixture } from '../../testing/read-fixture.js';
import { retryDelaySeconds } from './gemini-error.js';

test('RetryInfo.retryDelay in a recorded 429 body becomes whole seconds, rounded up', () => {
  assert.equal(retryDelaySeconds(readFixture('gemini/google-429-retry-info.json')), 35);
  assert.equal(retryDelaySeconds(JSON.stringify({ error: { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.2s' }] } })), 1);
});

test('bodies without RetryInfo give no delay', () => {
  assert.equal(retryDelaySeconds(readFixture('gemini/google-embedding-batch-limit-error.json')), undefined);
  assert.equal(retryDelaySeconds('not json'), undefined);
  assert.equal(retryDelaySeconds(''), undefined);
});
