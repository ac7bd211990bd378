import type { IncomingMessage } from 'node:http';
import { InvalidRequestError } from '../errors/gateway-errors.js';
import { readRequestBody } from '../pipeline/stages/read-body.js';

/**
 * The JSON body, size-limited like the data plane's; undefined when the request has none (the
 * route decides whether that is allowed).
 */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const raw = await readRequestBody(request, limitBytes);
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidRequestError(`The request body is not valid JSON: ${(error as Error).message}`, { code: 'invalid_json' });
  }
}
