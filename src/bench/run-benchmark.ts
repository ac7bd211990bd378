import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { measureLatency, type LatencySummary } from './measure-latency.js';
import { measureThroughput, type ThroughputSummary } from './measure-throughput.js';
import { measureAuthMicroseconds } from './measure-auth.js';
import { formatFailover, measureFailover } from './measure-failover.js';
import { formatLoggingCost, measureLoggingThroughput, measureRecordCost } from './measure-logging-cost.js';
import { formatLogQueries, measureLogQueries } from './measure-log-queries.js';

/**
 * `npm run bench`: a zero-delay fake upstream, the gateway (auth on, SQLite store), and a load generator, each its own
 * process on this machine; every figure through Sluice is reported against the upstream
 * called directly in the same run. Options: SLUICE_BENCH_SECONDS (default 10),
 * SLUICE_BENCH_REQUESTS (1-connection samples, default 3000), SLUICE_BENCH_NODE_FLAGS (node
 * flags for the gateway process, for experiments), SLUICE_BENCH_LOG_ROUNDS (log on/off rounds,
 * default 6), SLUICE_BENCH_LOG_ROWS (request-log rows for the query benchmark; default 0 = skipped).
 */
const seconds = Number(process.env.SLUICE_BENCH_SECONDS ?? 10);
const samples = Number(process.env.SLUICE_BENCH_REQUESTS ?? 3000);
const connections = 50;
const distDirectory = fileURLToPath(new URL('..', import.meta.url));

function startChild(args: string[], waitFor: (line: string) => string | undefined): Promise<{ child: ChildProcess; value: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const value = waitFor(line);
      if (value) resolve({ child, value });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

function residentMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kilobytes / 1024;
}

async function withRssSampling<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; peakRss: number }> {
  let peakRss = residentMegabytes(pid);
  const timer = setInterval(() => (peakRss = Math.max(peakRss, residentMegabytes(pid))), 100);
  try {
    const result = await work();
    return { result, peakRss };
  } finally {
    clearInterval(timer);
  }
}

const format = (value: number, digits = 2) => value.toFixed(digits);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function medianOf(summaries: LatencySummary[]): LatencySummary {
  return {
    p50: median(summaries.map((summary) => summary.p50)),
    p99: median(summaries.map((summary) => summary.p99)),
    firstByteP50: median(summaries.map((summary) => summary.firstByteP50)),
  };
}

async function main(): Promise<void> {
  const upstream = await startChild([join(distDirectory, 'bench/bench-upstream.js')], (line) => (line.startsWith('http') ? line : undefined));
  const configDirectory = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const configPath = join(configDirectory, 'sluice.yaml');
  writeFileSync(
    configPath,
    `server: { host: 127.0.0.1, port: 0 }\nstorage: "sqlite:${join(configDirectory, 'sluice.db')}"\nauth: { required: true }\nadmin: { token: bench-admin-token }\nlogging: { level: info }\n` +
      `providers:\n  bench: { type: openai, base_url: "${upstream.value}/v1", api_key: sk-bench }\n`,
  );
  // Auth is on, as in production: one team and key, made with the CLI in the gateway's store.
  const cli = join(distDirectory, 'cli/main.js');
  execFileSync(process.execPath, [cli, 'teams', 'create', 'bench', '--config', configPath]);
  const created = JSON.parse(execFileSync(process.execPath, [cli, 'keys', 'create', '--team', 'bench', '--models', 'bench/*', '--json', '--config', configPath], { encoding: 'utf8' })) as { secret: string };
  const authorization = { authorization: `Bearer ${created.secret}` };
  const gatewayFlags = (process.env.SLUICE_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const gateway = await startChild([...gatewayFlags, join(distDirectory, 'cli/main.js'), 'start', '--config', configPath], (line) => {
    try {
      const record = JSON.parse(line) as { url?: string };
      return record.url;
    } catch {
      return undefined;
    }
  });
  const gatewayPid = gateway.child.pid!;
  const reference = await startChild([join(distDirectory, 'bench/reference-proxy.js'), upstream.value], (line) => (line.startsWith('http') ? line : undefined));
  try {
    const json = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello, who are you?' }] });
    const viaGateway = (body: string) => body.replace('"gpt-4o-mini"', '"bench/gpt-4o-mini"');
    const streaming = json.replace('{', '{"stream":true,');
    const directUrl = `${upstream.value}/v1/chat/completions`;
    const gatewayUrl = `${gateway.value}/v1/chat/completions`;

    // Warm both paths (JIT, connection pools) before measuring.
    await measureThroughput(gatewayUrl, viaGateway(json), connections, 2, authorization);
    await measureThroughput(gatewayUrl, viaGateway(streaming), connections, 1, authorization);

    const rows: Array<{ name: string; direct: ThroughputSummary; through: ThroughputSummary }> = [];
    let peakRss = 0;
    await measureThroughput(`${reference.value}/v1/chat/completions`, json, connections, 1);
    const referenceJson = await measureThroughput(`${reference.value}/v1/chat/completions`, json, connections, seconds);
    for (const [name, body] of [['JSON', json], ['streaming', streaming]] as const) {
      const direct = await measureThroughput(directUrl, body, connections, seconds);
      const sampled = await withRssSampling(gatewayPid, () => measureThroughput(gatewayUrl, viaGateway(body), connections, seconds, authorization));
      peakRss = Math.max(peakRss, sampled.peakRss);
      rows.push({ name, direct, through: sampled.result });
    }

    // Direct and through-Sluice samples alternate in blocks, so drift in this machine's speed
    // (a shared VM) lands on both sides alike.
    const latency: Array<{ name: string; direct: LatencySummary; through: LatencySummary }> = [];
    for (const [name, body] of [['JSON', json], ['streaming', streaming]] as const) {
      await measureLatency(upstream.value, '/v1/chat/completions', body, 300);
      await measureLatency(gateway.value, '/v1/chat/completions', viaGateway(body), 300, authorization);
      const direct: LatencySummary[] = [];
      const through: LatencySummary[] = [];
      for (let round = 0; round < 6; round++) {
        direct.push(await measureLatency(upstream.value, '/v1/chat/completions', body, Math.ceil(samples / 6)));
        through.push(await measureLatency(gateway.value, '/v1/chat/completions', viaGateway(body), Math.ceil(samples / 6), authorization));
      }
      latency.push({ name, direct: medianOf(direct), through: medianOf(through) });
    }

    const authMicroseconds = await measureAuthMicroseconds();
    const lines = [
      `Sluice benchmark — ${new Date().toISOString()}, node ${process.version}, ${seconds}s per load run, ${samples} sequential samples`,
      '',
      `Throughput at ${connections} connections (autocannon):`,
      '',
      '| body | direct req/s | through Sluice req/s | ratio | direct p50/p99 ms | Sluice p50/p99 ms | errors |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(({ name, direct, through }) =>
        `| ${name} | ${format(direct.requestsPerSecond, 0)} | ${format(through.requestsPerSecond, 0)} | ${format((100 * through.requestsPerSecond) / direct.requestsPerSecond, 1)}% | ${direct.p50}/${direct.p99} | ${through.p50}/${through.p99} | ${through.errors + through.non2xx} |`,
      ),
      '',
      `Reference, a minimal node:http + undici JSON proxy (no validation, headers or streaming) in the same run: ${format(referenceJson.requestsPerSecond, 0)} req/s = ${format((100 * referenceJson.requestsPerSecond) / rows[0].direct.requestsPerSecond, 1)}% of direct; Sluice JSON = ${format((100 * rows[0].through.requestsPerSecond) / referenceJson.requestsPerSecond, 1)}% of the reference.`,
      '',
      'Latency at 1 connection (sequential requests, microsecond clock; median of 6 alternating blocks):',
      '',
      '| body | direct p50 / p99 ms | through Sluice p50 / p99 ms | added p50 / p99 ms | first byte added p50 ms |',
      '|---|---|---|---|---|',
      ...latency.map(({ name, direct, through }) =>
        `| ${name} | ${format(direct.p50, 3)} / ${format(direct.p99, 3)} | ${format(through.p50, 3)} / ${format(through.p99, 3)} | ${format(through.p50 - direct.p50, 3)} / ${format(through.p99 - direct.p99, 3)} | ${format(through.firstByteP50 - direct.firstByteP50, 3)} |`,
      ),
      '',
      `Gateway peak RSS under load: ${format(peakRss, 1)} MB`,
      `Authentication on a cached key (header, verify, allow-list; in-process): ${format(authMicroseconds, 2)} µs per request`,
    ];
    console.log(lines.join('\n'));
    // Issue 5's target: a failing target behind a route costs clients nothing once its breaker is open.
    console.log(['', ...formatFailover(await measureFailover({ samples, seconds: Math.min(seconds, 5) }))].join('\n'));
    // Issue 7: the request log's cost, on vs off in alternating rounds, and per record in-process.
    const loggingThroughput = await measureLoggingThroughput(upstream.value, Number(process.env.SLUICE_BENCH_LOG_ROUNDS ?? 6), Math.min(seconds, 5));
    console.log(['', ...formatLoggingCost(loggingThroughput, await measureRecordCost())].join('\n'));
    // Filling millions of rows takes minutes: only when asked (SLUICE_BENCH_LOG_ROWS=10000000).
    const logRows = Number(process.env.SLUICE_BENCH_LOG_ROWS ?? 0);
    if (logRows > 0) console.log(['', ...formatLogQueries(await measureLogQueries(logRows))].join('\n'));
  } finally {
    gateway.child.kill('SIGTERM');
    reference.child.kill('SIGTERM');
    upstream.child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
