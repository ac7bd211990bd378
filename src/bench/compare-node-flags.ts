import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchChatBody, benchStreamingBody, distDirectory, gatewayUrlLine, startChild, urlLine, viaGateway, writeBenchGatewayConfig } from './bench-setup.js';
import { cpuSeconds, sampleResidentPeak } from './process-memory.js';

/**
 * Two gateways side by side — one with node flags A, one with B, each with the benchmark's config
 * (auth on, SQLite store, request log) and the same upstream — loaded in alternating rounds
 * (A then B, B then A, …) of a fixed number of requests at 50 connections. Per round and gateway:
 * CPU time per request (/proc/PID/stat, all threads) and peak RSS. Alternation puts a loaded
 * machine's drift on both sides alike; the median of the per-round B/A CPU ratios is the answer.
 *
 *   node dist/bench/compare-node-flags.js --a="" --b="--max-semi-space-size=8" [--b-env NAME=VALUE]... [--rounds 6]
 *     [--requests 5000] [--body json|stream]
 */
const { values } = parseArgs({
  options: {
    a: { type: 'string', default: '' },
    b: { type: 'string', default: '' },
    // Environment for B only (NAME=VALUE, repeatable): e.g. MALLOC_ARENA_MAX=2.
    'b-env': { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '6' },
    requests: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '3000' },
    body: { type: 'string', default: 'json' },
    connections: { type: 'string', default: '50' },
  },
});

async function load(url: string, body: string, amount: number, headers: Record<string, string>): Promise<void> {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, connections: Number(values.connections), amount, pipelining: 1, timeout: 30 });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) throw new Error(`${failed} of ${amount} requests failed (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`);
}

const median = (numbers: number[]) => [...numbers].sort((x, y) => x - y)[numbers.length >> 1];

async function main(): Promise<void> {
  const upstream = await startChild([join(distDirectory, 'bench/bench-upstream.js')], urlLine);
  const sides = [] as Array<{ name: string; flags: string; pid: number; url: string; headers: Record<string, string>; stop(): void; cpu: number[]; peaks: number[] }>;
  try {
    const bEnvironment: NodeJS.ProcessEnv = { ...process.env };
    for (const assignment of values['b-env']!) {
      const [name, ...rest] = assignment.split('=');
      bEnvironment[name] = rest.join('=');
    }
    for (const [name, flags, environment] of [['A', values.a!, process.env], ['B', values.b!, bEnvironment]] as const) {
      const { configPath, authorization } = writeBenchGatewayConfig(upstream.value);
      const started = await startChild([...flags.split(' ').filter(Boolean), join(distDirectory, 'cli/main.js'), 'start', '--config', configPath], gatewayUrlLine, process.execPath, environment);
      sides.push({ name, flags, pid: started.child.pid!, url: `${started.value}/v1/chat/completions`, headers: authorization, stop: () => started.child.kill('SIGTERM'), cpu: [], peaks: [] });
    }
    const body = viaGateway(values.body === 'stream' ? benchStreamingBody : benchChatBody);
    // A cold gateway on a starved machine may time out a few warm-up requests; they are not measured.
    for (const side of sides) await load(side.url, body, Number(values.warmup), side.headers).catch((error: Error) => console.error(`warm-up of ${side.name}: ${error.message}`));
    const requests = Number(values.requests);
    for (let round = 0; round < Number(values.rounds); round++) {
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const before = cpuSeconds(side.pid);
        const sampler = sampleResidentPeak(side.pid);
        await load(side.url, body, requests, side.headers).finally(() => side.peaks.push(sampler.stop()));
        side.cpu.push(((cpuSeconds(side.pid) - before) * 1e6) / requests);
      }
    }
    const [a, b] = sides;
    const ratios = a.cpu.map((cpu, round) => b.cpu[round] / cpu);
    for (const side of sides) {
      console.log(`${side.name} "${side.flags}"${side.name === 'B' && values['b-env']!.length > 0 ? ` env ${values['b-env']!.join(' ')}` : ''}: CPU µs/request per round ${side.cpu.map((value) => value.toFixed(0)).join(' ')} (median ${median(side.cpu).toFixed(0)}); peak RSS MB per round ${side.peaks.map((value) => value.toFixed(1)).join(' ')} (max ${Math.max(...side.peaks).toFixed(1)})`);
    }
    console.log(`B/A CPU per request, per round: ${ratios.map((ratio) => ratio.toFixed(3)).join(' ')}; median ${median(ratios).toFixed(3)}`);
    console.log(`${values.body} body, ${requests} requests per round at ${values.connections} connections; load average ${loadavg().map((value) => value.toFixed(1)).join(' / ')}`);
  } finally {
    for (const side of sides) side.stop();
    upstream.child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
