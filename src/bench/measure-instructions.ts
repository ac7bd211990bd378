import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { benchChatBody, benchStreamingBody, distDirectory, gatewayUrlLine, residentMegabytes, startChild, urlLine, viaGateway, writeBenchGatewayConfig } from './bench-setup.js';

/**
 * Instructions per request, counted by valgrind's callgrind: deterministic where wall-clock
 * figures on a shared machine are not. The gateway (or the reference proxy) runs under
 * callgrind; the upstream and the client run outside it. After `--warmup` requests the counters
 * are zeroed, `--requests` more are sent, and the counters dumped: every instruction the process
 * executed in that window (all threads: JIT code, GC, libuv, the kernel-facing libc) divided by
 * the requests.
 *
 *   node dist/bench/measure-instructions.js [--target sluice|reference] [--body json|stream]
 *     [--requests 2000] [--warmup 500] [--connections 1] [--node-flags="--max-semi-space-size=8"] [--plain]
 */
const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'sluice' },
    body: { type: 'string', default: 'json' },
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '500' },
    connections: { type: 'string', default: '1' },
    'node-flags': { type: 'string', default: '' },
    // Without valgrind: for RSS, or node's own profilers through --node-flags.
    plain: { type: 'boolean', default: false },
  },
});

async function drive(url: string, path: string, body: string, headers: Record<string, string>, count: number, connections: number): Promise<void> {
  const pool = new Pool(url, { connections });
  let sent = 0;
  const worker = async () => {
    while (sent < count) {
      sent++;
      const response = await pool.request({ path, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${path} answered ${response.statusCode}: ${text}`);
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    await pool.close();
  }
}

function totalInstructions(outputDirectory: string): number {
  const dumps = readdirSync(outputDirectory).filter((name) => name.startsWith('callgrind.out'));
  // The explicit dump is the one with a part suffix (`.1`); the final one at exit is not wanted.
  const dump = dumps.find((name) => /\.\d+$/.test(name)) ?? dumps[0];
  const text = readFileSync(join(outputDirectory, dump), 'utf8');
  const totals = /^(?:totals|summary): (\d+)/m.exec(text);
  if (!totals) throw new Error(`no totals in ${dump}`);
  return Number(totals[1]);
}

async function main(): Promise<void> {
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  const upstream = await startChild([join(distDirectory, 'bench/bench-upstream.js')], urlLine);
  const outputDirectory = mkdtempSync(join(tmpdir(), 'sluice-callgrind-'));
  const nodeFlags = values['node-flags']!.split(' ').filter(Boolean);
  const valgrind = ['--tool=callgrind', `--callgrind-out-file=${join(outputDirectory, 'callgrind.out')}`, process.execPath];
  const wrap = (args: string[]) => (!values.plain ? { command: 'valgrind', args: [...valgrind, ...nodeFlags, ...args] } : { command: process.execPath, args: [...nodeFlags, ...args] });
  let headers: Record<string, string> = {};
  let started;
  const isSluice = values.target === 'sluice';
  if (isSluice) {
    const config = writeBenchGatewayConfig(upstream.value);
    headers = config.authorization;
    const { command, args } = wrap([join(distDirectory, 'cli/main.js'), 'start', '--config', config.configPath]);
    started = await startChild(args, gatewayUrlLine, command);
  } else {
    const { command, args } = wrap([join(distDirectory, 'bench/reference-proxy.js'), upstream.value]);
    started = await startChild(args, urlLine, command);
  }
  const pid = started.child.pid!;
  const chatBody = values.body === 'stream' ? benchStreamingBody : benchChatBody;
  const body = isSluice ? viaGateway(chatBody) : chatBody;
  try {
    const idleRss = residentMegabytes(pid);
    await drive(started.value, '/v1/chat/completions', body, headers, warmup, connections);
    if (!values.plain) execFileSync('callgrind_control', ['-z', String(pid)], { stdio: 'ignore' });
    const rssBefore = residentMegabytes(pid);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, residentMegabytes(pid))), 50);
    await drive(started.value, '/v1/chat/completions', body, headers, requests, connections).finally(() => clearInterval(sampler));
    const rssAfter = residentMegabytes(pid);
    if (!values.plain) {
      execFileSync('callgrind_control', ['-d', String(pid)], { stdio: 'ignore' });
      const instructions = totalInstructions(outputDirectory);
      console.log(
        JSON.stringify({
          target: values.target,
          body: values.body,
          connections,
          requests,
          nodeFlags: nodeFlags.join(' '),
          instructionsPerRequest: Math.round(instructions / requests),
          callgrindDirectory: outputDirectory,
          rssMegabytes: Math.round(rssAfter * 10) / 10,
        }),
      );
    } else {
      const round = (megabytes: number) => Math.round(megabytes * 10) / 10;
      console.log(JSON.stringify({ target: values.target, connections, requests, nodeFlags: nodeFlags.join(' '), rssIdleMegabytes: round(idleRss), rssAfterWarmupMegabytes: round(rssBefore), rssPeakMegabytes: round(rssPeak), rssAfterMegabytes: round(rssAfter) }));
    }
  } finally {
    // Waited for, so a `--cpu-prof` profile is written before this script ends.
    const exited = new Promise((resolve) => started.child.once('exit', resolve));
    started.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);
    upstream.child.kill('SIGTERM');
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
