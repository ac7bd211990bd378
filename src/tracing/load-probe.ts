import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import pino from 'pino';

/**
 * Test support, run in a fresh process by tracing-off-loads-nothing.e2e.test.ts: starts a
 * gateway with tracing on or off (argv[2]), serves a JSON and a streamed chat through it, and
 * prints the OpenTelemetry packages the process loaded. The packages ship CommonJS only, so
 * every one loaded, by `import` or `require`, is in the CommonJS module cache. A resolve hook
 * also reports every ES module import of them, or of the tracing implementation, by the gateway.
 */
const resolveHook = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.includes('/@opentelemetry/') || result.url.includes('otel-request-tracing')) port.postMessage(result.url);
  return result;
}`;
const esmImports: string[] = [];
const { port1, port2 } = new MessageChannel();
port1.on('message', (url: string) => esmImports.push(url));
port1.unref();
register(`data:text/javascript,${encodeURIComponent(resolveHook)}`, { data: { port: port2 }, transferList: [port2] });
// Imported only now, so the hook sees the gateway's whole module graph.
const { validateConfig } = await import('../config/load-config.js');
const { startGateway } = await import('../server/start-gateway.js');
const { startFakeOpenAIUpstream } = await import('../testing/fake-openai-upstream.js');

const tracing = process.argv[2] === 'on';
const upstream = await startFakeOpenAIUpstream();
const config = validateConfig({
  server: { host: '127.0.0.1', port: 0 },
  storage: 'memory',
  auth: { required: false },
  providers: { openai: { type: 'openai', base_url: `${upstream.url}/v1` } },
  // A port nothing listens on: exporting fails, which must not matter.
  tracing: { enabled: tracing, endpoint: 'http://127.0.0.1:9/v1/traces', export_timeout_ms: 500 },
});
const gateway = await startGateway(config, { logger: pino({ level: 'silent' }), environment: {} });
const statuses: number[] = [];
for (const stream of [false, true]) {
  const response = await fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream }),
  });
  await response.text();
  statuses.push(response.status);
}
await gateway.close();
await upstream.close();
const cache = createRequire(import.meta.url).cache;
const packages = new Set<string>();
for (const path of Object.keys(cache)) {
  const match = /[\\/]node_modules[\\/](@opentelemetry[\\/][^\\/]+)/.exec(path);
  if (match) packages.add(match[1].replace('\\', '/'));
}
// Let the hook thread's last messages arrive.
await new Promise((resolve) => setTimeout(resolve, 50));
process.stdout.write(JSON.stringify({ statuses, packages: [...packages].sort(), esmImports }));
