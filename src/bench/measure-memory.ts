import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchChatBody, benchStreamingBody, distDirectory, gatewayUrlLine, startChild, urlLine, viaGateway, writeBenchGatewayConfig } from './bench-setup.js';
import { cpuSeconds, requestHeapReport, residentMemory, sampleResidentPeak, type ProcessHeaps, type ResidentMemory } from './process-memory.js';

/**
 * The gateway's memory, as `npm run bench` runs it (auth on, SQLite store, request log with its
 * writer thread, `sluice start --config FILE`): resident memory idle, after a warm-up, and its peak
 * (sampled every 50 ms) under a fixed number of requests at 50 connections, JSON then streaming;
 * V8 heap figures of the main thread and of every worker thread (node's diagnostic report, asked
 * for by signal) after each phase; and the CPU time per request of each load phase
 * (/proc/PID/stat utime + stime, all threads). A fixed request count, not a duration, so the
 * figures do not depend on how fast a loaded machine gets through them.
 *
 *   node dist/bench/measure-memory.js [--requests 20000] [--warmup 2000] [--connections 50]
 *     [--node-flags="--max-semi-space-size=8"] [--env NAME=VALUE]... [--json]
 */
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '50' },
    'node-flags': { type: 'string', default: '' },
    env: { type: 'string', multiple: true, default: [] },
    json: { type: 'boolean', default: false },
  },
});

interface LoadFigures {
  requests: number;
  peakRssMegabytes: number;
  after: ResidentMemory;
  cpuMicrosecondsPerRequest: number;
  requestsPerSecond: number;
  heaps: ProcessHeaps;
}

async function load(url: string, body: string, amount: number, connections: number, headers: Record<string, string>): Promise<number> {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, connections, amount, pipelining: 1, timeout: 30 });
  const failed = result.errors + result.timeouts + result.non2xx;
  // A run with failures measures an error path, not the gateway under load.
  if (failed > 0) throw new Error(`${failed} of ${amount} requests failed (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`);
  return result.requests.average;
}

async function main(): Promise<void> {
  const requests = Number(values.requests);
  const connections = Number(values.connections);
  const reportDirectory = mkdtempSync(join(tmpdir(), 'sluice-memory-'));
  const upstream = await startChild([join(distDirectory, 'bench/bench-upstream.js')], urlLine);
  const { configPath, authorization } = writeBenchGatewayConfig(upstream.value);
  const nodeFlags = values['node-flags']!.split(' ').filter(Boolean);
  const environment: NodeJS.ProcessEnv = { ...process.env };
  for (const assignment of values.env!) {
    const [name, ...rest] = assignment.split('=');
    environment[name] = rest.join('=');
  }
  // The report flags only install a signal handler: nothing runs until the signal comes.
  const reportFlags = ['--report-on-signal', '--report-compact', `--report-directory=${reportDirectory}`];
  const gateway = await startChild([...reportFlags, ...nodeFlags, join(distDirectory, 'cli/main.js'), 'start', '--config', configPath], gatewayUrlLine, process.execPath, environment);
  const pid = gateway.child.pid!;
  const url = `${gateway.value}/v1/chat/completions`;
  try {
    // Lazy initialisation after `listening` (timers, first store reads) settles first.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = { ...residentMemory(pid), heaps: await requestHeapReport(pid, reportDirectory) };
    // A cold gateway on a starved machine may time out a few warm-up requests; they are not measured.
    await load(url, viaGateway(benchChatBody), Number(values.warmup), connections, authorization).catch((error: Error) => console.error(`warm-up: ${error.message}`));
    const afterWarmup = residentMemory(pid);
    const phases: Record<string, LoadFigures> = {};
    for (const [name, body] of [['json', benchChatBody], ['streaming', benchStreamingBody]] as const) {
      const cpuBefore = cpuSeconds(pid);
      const sampler = sampleResidentPeak(pid);
      let requestsPerSecond: number;
      try {
        requestsPerSecond = await load(url, viaGateway(body), requests, connections, authorization);
      } finally {
        phases[name] = { requests, peakRssMegabytes: sampler.stop() } as LoadFigures;
      }
      const cpuMicrosecondsPerRequest = Math.round(((cpuSeconds(pid) - cpuBefore) * 1e6) / requests);
      phases[name] = { ...phases[name], requestsPerSecond: Math.round(requestsPerSecond), cpuMicrosecondsPerRequest, after: residentMemory(pid), heaps: await requestHeapReport(pid, reportDirectory) };
    }
    const result = {
      node: process.version,
      nodeFlags: nodeFlags.join(' '),
      env: values.env,
      connections,
      loadAverage: (await import('node:os')).loadavg().map((value) => Math.round(value * 10) / 10),
      idle,
      afterWarmup,
      json: phases.json,
      streaming: phases.streaming,
      peakRssMegabytes: Math.max(phases.json.peakRssMegabytes, phases.streaming.peakRssMegabytes),
    };
    console.log(values.json ? JSON.stringify(result) : formatResult(result));
  } finally {
    gateway.child.kill('SIGTERM');
    upstream.child.kill('SIGTERM');
    rmSync(reportDirectory, { recursive: true, force: true });
  }
}

function formatHeaps(heaps: ProcessHeaps): string[] {
  const line = (label: string, heap: ProcessHeaps['main']) =>
    `  ${label} heap: reserved ${heap.totalMegabytes} MB, committed ${heap.committedMegabytes}, used ${heap.usedMegabytes}, external ${heap.externalMegabytes}, V8 malloc peak ${heap.peakMallocedMegabytes}; ` +
    Object.entries(heap.spaces).map(([space, figures]) => `${space} ${figures}`).join(', ');
  return [line('main', heaps.main), ...heaps.workers.map((worker, index) => line(`worker ${index + 1}`, worker))];
}

function formatResult(result: {
  node: string;
  nodeFlags: string;
  connections: number;
  loadAverage: number[];
  idle: ResidentMemory & { heaps: ProcessHeaps };
  afterWarmup: ResidentMemory;
  json: LoadFigures;
  streaming: LoadFigures;
  peakRssMegabytes: number;
}): string {
  const resident = (memory: ResidentMemory) => `${memory.rssMegabytes} MB (anonymous ${memory.anonymousMegabytes}, file-backed ${memory.fileMegabytes})`;
  const phase = (name: string, figures: LoadFigures) => [
    `${name}: ${figures.requests} requests at ${result.connections} connections, ${figures.requestsPerSecond} req/s, ${figures.cpuMicrosecondsPerRequest} µs CPU per request`,
    `  peak RSS ${figures.peakRssMegabytes} MB; after: ${resident(figures.after)}`,
    ...formatHeaps(figures.heaps),
  ];
  return [
    `Gateway memory — node ${result.node}, flags "${result.nodeFlags}", load average ${result.loadAverage.join(' / ')} (1/5/15 min)`,
    `idle: ${resident(result.idle)}`,
    ...formatHeaps(result.idle.heaps),
    `after warm-up: ${resident(result.afterWarmup)}`,
    ...phase('JSON', result.json),
    ...phase('streaming', result.streaming),
    `peak RSS under load: ${result.peakRssMegabytes} MB (heap figures: committed / used MB per space)`,
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
