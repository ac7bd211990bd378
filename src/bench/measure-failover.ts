import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { measureThroughput, type ThroughputSummary } from './measure-throughput.js';

/**
 * The failover scenario (issue 5 target: with one of two targets failing 100%, clients see no
 * errors, and once the failing target's breaker is open the added p50 stays under 5 ms).
 * A healthy zero-delay upstream and one answering 503 to everything sit behind a loadbalance
 * route; the gateway runs as its own process. Latency through the route is compared with the
 * same gateway calling the healthy target directly, in alternating blocks.
 */
export interface FailoverSummary {
  /** Requests sent while the breaker was still closed, and the errors clients saw among them. */
  warmupRequests: number;
  warmupErrors: number;
  /** Calls that reached the failing upstream in the whole run (warm-up, probes). */
  failingUpstreamCalls: number;
  breakerState: string;
  direct: LatencySample;
  failover: LatencySample;
  load: ThroughputSummary;
  loadDirect: ThroughputSummary;
}

export interface LatencySample {
  p50: number;
  p99: number;
  errors: number;
  count: number;
}

const distDirectory = fileURLToPath(new URL('..', import.meta.url));
const body = JSON.stringify({ model: 'failover', messages: [{ role: 'user', content: 'Hello, who are you?' }] });
const directBody = body.replace('"failover"', '"bench/gpt-4o-mini"');

function startChild(args: string[], waitFor: (line: string) => string | undefined): Promise<{ child: ChildProcess; value: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const value = waitFor(line);
      if (value) resolve({ child, value });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

/** An upstream that is down: 503 to every request, counted. */
async function startFailingUpstream(): Promise<{ server: Server; url: string; calls: () => number }> {
  let calls = 0;
  const payload = JSON.stringify({ error: { message: 'The server is overloaded.', type: 'server_error', param: null, code: null } });
  const server = createServer((request, response) => {
    calls++;
    request.resume();
    request.on('end', () => {
      response.writeHead(503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      response.end(payload);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, calls: () => calls };
}

/** Sequential requests on one connection; unlike measureLatency, errors are counted, not thrown. */
async function sample(url: string, payload: string, count: number): Promise<LatencySample> {
  const pool = new Pool(url, { connections: 1 });
  const times: number[] = [];
  let errors = 0;
  try {
    for (let index = 0; index < count; index++) {
      const started = performance.now();
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
      await response.body.text();
      times.push(performance.now() - started);
      if (response.statusCode !== 200) errors++;
    }
  } finally {
    await pool.close();
  }
  times.sort((a, b) => a - b);
  return { p50: times[times.length >> 1], p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))], errors, count };
}

function medianOf(samples: LatencySample[]): LatencySample {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  return {
    p50: median(samples.map((entry) => entry.p50)),
    p99: median(samples.map((entry) => entry.p99)),
    errors: samples.reduce((sum, entry) => sum + entry.errors, 0),
    count: samples.reduce((sum, entry) => sum + entry.count, 0),
  };
}

export async function measureFailover(options: { samples?: number; seconds?: number } = {}): Promise<FailoverSummary> {
  const samples = options.samples ?? 3000;
  const seconds = options.seconds ?? 5;
  const healthy = await startChild([join(distDirectory, 'bench/bench-upstream.js')], (line) => (line.startsWith('http') ? line : undefined));
  const failing = await startFailingUpstream();
  const directory = mkdtempSync(join(tmpdir(), 'sluice-failover-'));
  const configPath = join(directory, 'sluice.yaml');
  writeFileSync(
    configPath,
    `server: { host: 127.0.0.1, port: 0 }\nstorage: memory\nauth: { required: false }\nadmin: { token: bench-admin-token }\nlogging: { level: info }\n` +
      `providers:\n  bench: { type: openai, base_url: "${healthy.value}/v1", api_key: sk-bench }\n  dead: { type: openai, base_url: "${failing.url}/v1", api_key: sk-bench }\n` +
      `routes:\n  failover:\n    strategy: loadbalance\n    targets: [{ model: dead/gpt-4o-mini }, { model: bench/gpt-4o-mini }]\n    breaker: { failures: 5, cooldown_ms: 5000 }\n`,
  );
  const gateway = await startChild([join(distDirectory, 'cli/main.js'), 'start', '--config', configPath], (line) => {
    try {
      return (JSON.parse(line) as { url?: string }).url;
    } catch {
      return undefined;
    }
  });
  try {
    // Until 5 failures open the breaker, half the requests meet the failing target and fall back.
    const warmup = await sample(gateway.value, body, 50);
    const health = await fetch(`${gateway.value}/admin/api/v1/health`, { headers: { authorization: 'Bearer bench-admin-token' } });
    const report = (await health.json()) as { breakers: { targets: Array<{ target: string; state: string }> } };
    const breakerState = report.breakers.targets.find((target) => target.target === 'dead/gpt-4o-mini')?.state ?? 'unknown';
    await sample(gateway.value, directBody, 300);
    await sample(gateway.value, body, 300);
    const direct: LatencySample[] = [];
    const failover: LatencySample[] = [];
    for (let round = 0; round < 6; round++) {
      // Alternate which series goes first, so warm-up and drift land on both alike.
      const pair = [() => sample(gateway.value, directBody, Math.ceil(samples / 6)), () => sample(gateway.value, body, Math.ceil(samples / 6))] as const;
      if (round % 2 === 0) {
        direct.push(await pair[0]());
        failover.push(await pair[1]());
      } else {
        failover.push(await pair[1]());
        direct.push(await pair[0]());
      }
    }
    const loadDirect = await measureThroughput(`${gateway.value}/v1/chat/completions`, directBody, 50, seconds);
    const load = await measureThroughput(`${gateway.value}/v1/chat/completions`, body, 50, seconds);
    return {
      warmupRequests: warmup.count,
      warmupErrors: warmup.errors,
      failingUpstreamCalls: failing.calls(),
      breakerState,
      direct: medianOf(direct),
      failover: medianOf(failover),
      load,
      loadDirect,
    };
  } finally {
    gateway.child.kill('SIGTERM');
    healthy.child.kill('SIGTERM');
    failing.server.closeAllConnections();
    failing.server.close();
  }
}

export function formatFailover(summary: FailoverSummary): string[] {
  const ms = (value: number) => value.toFixed(3);
  return [
    'Failover (loadbalance over two targets, one answering 503 to everything; breaker: 5 failures, 5 s cooldown):',
    '',
    `- Before the breaker opened: ${summary.warmupErrors} client errors in ${summary.warmupRequests} requests; breaker then: ${summary.breakerState}; calls that reached the failing upstream in the whole run: ${summary.failingUpstreamCalls}`,
    `- 1 connection, breaker open: through the route p50/p99 ${ms(summary.failover.p50)} / ${ms(summary.failover.p99)} ms vs. the healthy target called directly through Sluice ${ms(summary.direct.p50)} / ${ms(summary.direct.p99)} ms: added p50 ${ms(summary.failover.p50 - summary.direct.p50)} ms; errors ${summary.failover.errors} of ${summary.failover.count}`,
    `- 50 connections: through the route ${summary.load.requestsPerSecond.toFixed(0)} req/s, errors ${summary.load.errors + summary.load.non2xx}; healthy target directly ${summary.loadDirect.requestsPerSecond.toFixed(0)} req/s`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  measureFailover({ samples: Number(process.env.SLUICE_BENCH_REQUESTS ?? 3000), seconds: Number(process.env.SLUICE_BENCH_SECONDS ?? 5) })
    .then((summary) => console.log(formatFailover(summary).join('\n')))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
