import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, parseConfig, validateConfig } from '../config/load-config.js';
import { tracesUrl } from './tracing-config.js';

test('tracing is off by default, with the OTLP/HTTP defaults', () => {
  const { tracing } = validateConfig({});
  assert.equal(tracing.enabled, false);
  assert.equal(tracing.endpoint, 'http://127.0.0.1:4318/v1/traces');
  assert.equal(tracing.sample_ratio, 1);
  assert.equal(tracing.service_name, 'sluice');
});

test('values from ${VAR} are coerced: booleans, ratios, integers, header values', () => {
  const yaml = 'tracing: { enabled: "${ON}", sample_ratio: "${RATIO}", batch_delay_ms: "${DELAY}", headers: { api-key: "${KEY}" } }';
  const { tracing } = parseConfig(yaml, 'test', { ON: 'true', RATIO: '0.25', DELAY: '250', KEY: 'k-123' });
  assert.deepEqual([tracing.enabled, tracing.sample_ratio, tracing.batch_delay_ms, tracing.headers['api-key']], [true, 0.25, 250, 'k-123']);
});

test('bad tracing settings fail with the path of the key', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ sample_ratio: 1.5 }, /tracing\.sample_ratio/],
    [{ endpoint: 'ftp://collector' }, /tracing\.endpoint/],
    [{ max_queue_size: 10, max_batch_size: 20 }, /tracing\.max_batch_size: must not exceed max_queue_size/],
    [{ exporter: 'zipkin' }, /tracing/],
  ];
  for (const [tracing, message] of cases) assert.throws(() => validateConfig({ tracing }), (error: unknown) => error instanceof ConfigError && message.test(error.message));
});

test('an endpoint without a path gets the standard /v1/traces', () => {
  assert.equal(tracesUrl('https://otlp.example.com'), 'https://otlp.example.com/v1/traces');
  assert.equal(tracesUrl('https://otlp.example.com/'), 'https://otlp.example.com/v1/traces');
  assert.equal(tracesUrl('http://collector:4318/custom/traces'), 'http://collector:4318/custom/traces');
});
