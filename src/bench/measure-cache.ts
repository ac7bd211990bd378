import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distDirectory, gatewayUrlLine, startChild } from './bench-setup.js';
import { measureLatency, type LatencySummary } from './measure-latency.js';
import { measureThroughput } from './measure-throughput.js';

/**
 * `node dist/bench/measure-cache.js`: a cache hit against an uncached pass-through, both through
 * the gateway over loopback, and a bare node:http echo as the floor. The gateway runs as its own
 * process started by the CLI, with the default SQLite store and request log, as `npm run bench`
 * runs it: a load generator or upstream on the gateway's own event loop would weigh on both sides
 * of the ratio. The upstream, the echo and autocannon share this process. SLUICE_BENCH_SECONDS
 * (default 5) and SLUICE_BENCH_REQUESTS (default 2000) size it.
 */
const seconds = Number(process.env.SLUICE_BENCH_SECONDS ?? 5);
const samples = Number(process.env.SLUICE_BENCH_REQUESTS ?? 2000);

const completion = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1_700_000_000, model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});

/** Answers every POST with the fixed completion: the upstream, and the bare echo floor. */
async function startFixedServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
      response.end(completion);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const body = (model: string) => JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello!' }] });
const format = (summary: LatencySummary) => `p50 ${summary.p50.toFixed(3)} ms, p99 ${summary.p99.toFixed(3)} ms`;

async function main(): Promise<void> {
  const upstream = await startFixedServer();
  const echo = await startFixedServer();
  const directory = mkdtempSync(join(tmpdir(), 'sluice-cache-bench-'));
  const configPath = join(directory, 'sluice.yaml');
  writeFileSync(
    configPath,
    `server: { host: 127.0.0.1, port: 0 }\nstorage: "sqlite:${join(directory, 'sluice.db')}"\nauth: { required: false }\nlogging: { level: info }\n` +
      `providers:\n  bench: { type: openai, base_url: "${upstream.url}/v1" }\n` +
      `routes:\n  cached: { targets: [{ model: bench/gpt-4o-mini }], cache: { ttl: 3600 } }\n`,
  );
  const child = await startChild([join(distDirectory, 'cli/main.js'), 'start', '--config', configPath], gatewayUrlLine);
  const gateway = { url: child.value };
  try {
    const path = '/v1/chat/completions';
    // Warm up: JIT, connection pools, and the one miss that fills the entry.
    await measureLatency(gateway.url, path, body('cached'), 200);
    await measureLatency(gateway.url, path, body('bench/gpt-4o-mini'), 200);
    await measureLatency(echo.url, path, body('cached'), 200);
    const bare = await measureLatency(echo.url, path, body('cached'), samples);
    const hit = await measureLatency(gateway.url, path, body('cached'), samples);
    const pass = await measureLatency(gateway.url, path, body('bench/gpt-4o-mini'), samples);
    console.log(`1 connection, ${samples} requests each`);
    console.log(`  bare node:http echo  ${format(bare)}`);
    console.log(`  gateway cache hit    ${format(hit)}  (+${(hit.p50 - bare.p50).toFixed(3)} ms p50 over the echo)`);
    console.log(`  gateway pass-through ${format(pass)}`);
    const hitLoad = await measureThroughput(`${gateway.url}${path}`, body('cached'), 50, seconds);
    const passLoad = await measureThroughput(`${gateway.url}${path}`, body('bench/gpt-4o-mini'), 50, seconds);
    console.log(`50 connections, ${seconds} s each`);
    console.log(`  cache hit    ${hitLoad.requestsPerSecond.toFixed(0)} req/s (errors ${hitLoad.errors}, non-2xx ${hitLoad.non2xx})`);
    console.log(`  pass-through ${passLoad.requestsPerSecond.toFixed(0)} req/s (errors ${passLoad.errors}, non-2xx ${passLoad.non2xx})`);
    console.log(`  ratio ${(hitLoad.requestsPerSecond / passLoad.requestsPerSecond).toFixed(2)}x`);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    console.log(`cache counters: ${metrics.split('\n').filter((line) => line.startsWith('sluice_cache_requests_total')).join(', ')}`);
  } finally {
    child.child.kill();
    rmSync(directory, { recursive: true, force: true });
    upstream.server.close();
    echo.server.close();
  }
}

await main();
