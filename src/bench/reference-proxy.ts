import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';

/**
 * The benchmark's reference point: the least a JSON proxy can do with node:http and undici
 * (parse the body, forward it, parse and re-serialize the answer; no validation, no headers, no
 * streaming). It shows how much of the gap to the direct upstream is this machine's, not Sluice's.
 * Run as a child process with the upstream URL as argument: prints its own URL on stdout.
 */
const upstream = new Pool(process.argv[2], { connections: 256 });

const server = createServer((request, response) => {
  const pieces: Buffer[] = [];
  request.on('data', (piece: Buffer) => pieces.push(piece));
  request.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(pieces).toString('utf8')) as unknown;
      const answer = await upstream.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const payload = JSON.stringify(JSON.parse(await answer.body.text()));
      response.writeHead(answer.statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      response.end(payload);
    } catch {
      response.writeHead(502).end();
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
