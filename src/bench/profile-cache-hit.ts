import { spawn } from 'node:child_process';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startTestGateway } from '../testing/start-test-gateway.js';

/**
 * Profiling aid for the cache-hit path (not a benchmark: it prints no timings).
 *
 *   node dist/bench/profile-cache-hit.js server          # gateway + upstream; prints "ready <port>"
 *   node dist/bench/profile-cache-hit.js client PORT N   # N sequential hits over one keep-alive connection
 *   node dist/bench/profile-cache-hit.js inprocess N     # both in one process (for --cpu-prof)
 *   node dist/bench/profile-cache-hit.js cpu BATCHES N   # CPU µs of the gateway process per hit, per
 *                                                        # batch of N (client in a child process); median
 *
 * SLUICE_PROFILE_STREAM=1 makes every hit a streamed one (`stream: true` with the usage chunk).
 *
 * Instruction counts per hit: run the server under `valgrind --tool=callgrind
 * --smc-check=all-non-file`, warm it with the client, `callgrind_control -z`, run the client with N
 * requests, `callgrind_control -d`, and divide the dumped total by N (scripts/profile-cache-hit.sh).
 */
const completion = JSON.stringify({
  id: 'chatcmpl-bench', object: 'chat.completion', created: 1_700_000_000, model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});
const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'gpt-4o-mini', choices, ...extra })}\n\n`;
const streamedCompletion =
  chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]) +
  ['Hello! ', 'How can ', 'I help ', 'you today?'].map((content) => chunk([{ index: 0, delta: { content }, logprobs: null, finish_reason: null }])).join('') +
  chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]) +
  chunk([], { usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 } }) +
  'data: [DONE]\n\n';
const streamed = process.env.SLUICE_PROFILE_STREAM === '1';
const body = JSON.stringify({ model: 'cached', messages: [{ role: 'user', content: 'Hello!' }], ...(streamed ? { stream: true, stream_options: { include_usage: true } } : {}) });

async function startServer(): Promise<{ port: number; close(): Promise<void> }> {
  const upstream = createServer((request, response) => {
    let text = '';
    request.on('data', (piece: Buffer) => (text += piece.toString()));
    request.on('end', () => {
      if (!text.includes('"stream":true')) {
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
        return response.end(completion);
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(streamedCompletion);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const gateway = await startTestGateway({
    providers: { bench: { type: 'openai', base_url: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1` } },
    routes: { cached: { targets: [{ model: 'bench/gpt-4o-mini' }], cache: { ttl: 3600 } } },
    logging: { level: 'silent' },
  });
  return {
    port: Number(new URL(gateway.url).port),
    async close() {
      await gateway.close();
      upstream.close();
    },
  };
}

async function hits(port: number, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let index = 0; index < count; index++) {
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port, path: '/v1/chat/completions', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
        if (index > 0 && response.headers['x-sluice-cache-status'] !== 'HIT') reject(new Error(`expected a hit, got ${response.headers['x-sluice-cache-status']}`));
        response.resume();
        response.on('end', resolve);
      });
      request.on('error', reject);
      request.end(body);
    });
  }
  agent.destroy();
}

/** Runs `count` hits from a child process, so only the gateway's work is in this process's CPU time. */
function hitsFromChild(port: number, count: number): Promise<void> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'client', String(port), String(count)], { stdio: 'inherit' });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`client exited with ${code}`)))));
}

async function cpuPerHit(batches: number, perBatch: number): Promise<void> {
  const server = await startServer();
  await hitsFromChild(server.port, 500);
  const perHit: number[] = [];
  for (let batch = 0; batch < batches; batch++) {
    const before = process.cpuUsage();
    await hitsFromChild(server.port, perBatch);
    const used = process.cpuUsage(before);
    perHit.push((used.user + used.system) / perBatch);
  }
  await server.close();
  perHit.sort((a, b) => a - b);
  const at = (fraction: number) => perHit[Math.min(perHit.length - 1, Math.floor(fraction * perHit.length))]!.toFixed(1);
  console.log(`${streamed ? 'streamed' : 'JSON'} hits: gateway CPU per hit median ${at(0.5)} µs (p10 ${at(0.1)}, p90 ${at(0.9)}) over ${batches} batches of ${perBatch}`);
}

const [mode, first, second] = process.argv.slice(2);
if (mode === 'server') {
  const server = await startServer();
  console.log(`ready ${server.port}`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
} else if (mode === 'client') {
  await hits(Number(first), Number(second));
} else if (mode === 'inprocess') {
  const server = await startServer();
  await hits(server.port, Number(first ?? 20_000));
  await server.close();
} else if (mode === 'cpu') {
  await cpuPerHit(Number(first ?? 25), Number(second ?? 500));
} else {
  console.error('usage: profile-cache-hit.js server | client PORT N | inprocess N | cpu BATCHES N');
  process.exit(2);
}
