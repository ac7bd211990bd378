import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';

const probe = fileURLToPath(new URL('./load-probe.js', import.meta.url));

async function loadedPackages(tracing: 'on' | 'off'): Promise<{ statuses: number[]; packages: string[]; esmImports: string[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [probe, tracing], { timeout: 60_000 });
  return JSON.parse(stdout) as { statuses: number[]; packages: string[]; esmImports: string[] };
}

test('tracing off: no OpenTelemetry SDK, exporter or tracing module is loaded, even after requests', async () => {
  const { statuses, packages, esmImports } = await loadedPackages('off');
  assert.deepEqual(statuses, [200, 200]);
  assert.deepEqual(esmImports, [], 'the gateway imports neither OpenTelemetry nor its tracing implementation');
  // prom-client (the /metrics dependency) requires @opentelemetry/api itself, for exemplars;
  // nothing else may appear.
  assert.deepEqual(packages.filter((name) => name !== '@opentelemetry/api'), []);
});

test('tracing on: the same probe does see the SDK loaded (the check above can fail)', async () => {
  const { statuses, packages, esmImports } = await loadedPackages('on');
  assert.deepEqual(statuses, [200, 200]);
  assert.ok(esmImports.some((url) => url.includes('otel-request-tracing')), 'the hook sees the tracing implementation imported');
  assert.ok(esmImports.some((url) => url.includes('/@opentelemetry/sdk-trace-base/')));
  for (const name of ['@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/resources']) {
    assert.ok(packages.includes(name), `${name} loaded (got ${packages.join(', ')})`);
  }
});
