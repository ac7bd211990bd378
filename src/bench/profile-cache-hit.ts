import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway } from '../testing/start-test-gateway.js';

/**
 * Profiling aid for the cache-hit path (not a benchmark: it prints no timings).
 *
 *   node dist/bench/profile-cache-hit.js server          # gateway + upstream; prints "ready <port>"
 *   node dist/bench/profile-cache-hit.js client PORT N   # N sequential hits over one keep-alive connection
 *   node dist/bench/profile-cache-hit.js inprocess N     # both in one process (for --cpu-prof)
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
const body = JSON.stringify({ model: 'cached', messages: [{ role: 'user', content: 'Hello!' }] });

async function startServer(): Promise<{ port: number; close(): Promise<void> }> {
  const upstream = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
      response.end(completion);
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
} else {
  console.error('usage: profile-cache-hit.js server | client PORT N | inprocess N');
  process.exit(2);
}
