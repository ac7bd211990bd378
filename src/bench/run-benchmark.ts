import { benchChatBody, benchStreamingBody, distDirectory, gatewayUrlLine, residentMegabytes, startChild, urlLine, viaGateway, writeBenchGatewayConfig } from './bench-setup.js';
import { join } from 'node:path';
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
  const upstream = await startChild([join(distDirectory, 'bench/bench-upstream.js')], urlLine);
  const { configPath, authorization } = writeBenchGatewayConfig(upstream.value);
  const gatewayFlags = (process.env.SLUICE_BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const gateway = await startChild([...gatewayFlags, join(distDirectory, 'cli/main.js'), 'start', '--config', configPath], gatewayUrlLine);
  const gatewayPid = gateway.child.pid!;
  const reference = await startChild([join(distDirectory, 'bench/reference-proxy.js'), upstream.value], urlLine);
  try {
    const json = benchChatBody;
    const streaming = benchStreamingBody;
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
