import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The benchmark's zero-delay upstream: fixed, pre-serialized OpenAI answers, so the direct
 * baseline is as fast as node:http gets and the ratio shows the gateway's own cost.
 * Run as a child process: prints its URL on stdout.
 */
const completion = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
});

const base = '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"gpt-4o-mini","choices":[';
const words = ['Hello', '!', ' How', ' can', ' I', ' help', ' you', ' today', '?'];
const stream = [
  `data: ${base}{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n`,
  ...words.map((word) => `data: ${base}{"index":0,"delta":{"content":${JSON.stringify(word)}},"finish_reason":null}]}\n\n`),
  `data: ${base}{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`,
  `data: ${base}],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}\n\n`,
  'data: [DONE]\n\n',
];

const server = createServer((request, response) => {
  const pieces: Buffer[] = [];
  request.on('data', (piece: Buffer) => pieces.push(piece));
  request.on('end', () => {
    // A cheap look for "stream":true keeps the upstream's own cost near zero.
    if (Buffer.concat(pieces).includes('"stream":true')) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const event of stream) response.write(event);
      response.end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
    response.end(completion);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
