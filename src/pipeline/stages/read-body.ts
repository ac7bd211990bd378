import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError } from '../../errors/gateway-errors.js';
import type { Stage } from '../compose-stages.js';

/** Reads the whole body, refusing more than `limitBytes` (checked on the header and while reading). */
export function readRequestBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return Promise.reject(new PayloadTooLargeError(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) {
        request.off('data', onData);
        // Stop buffering but keep draining, so the 413 can still be written and read.
        request.resume();
        reject(new PayloadTooLargeError(limitBytes));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

export const readBody: Stage = async (context, next) => {
  context.body = await readRequestBody(context.request, context.gateway.config.server.max_body_bytes);
  await next();
};
