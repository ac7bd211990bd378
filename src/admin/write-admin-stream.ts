import type { ServerResponse } from 'node:http';
import { once } from 'node:events';

/** A streamed admin answer (exports): chunks written as produced, honouring back-pressure. */
export interface AdminStream {
  contentType: string;
  /** Suggested download name (content-disposition). */
  filename?: string;
  chunks: AsyncIterable<string>;
}

export async function writeAdminStream(response: ServerResponse, requestId: string, status: number, stream: AdminStream): Promise<void> {
  const iterator = stream.chunks[Symbol.asyncIterator]();
  // The first chunk is read before the head: a failure in it (a bad cursor, the store down)
  // still gets a proper error status instead of a cut 200.
  let next = await iterator.next();
  response.writeHead(status, {
    'x-sluice-request-id': requestId,
    'content-type': stream.contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(stream.filename && { 'content-disposition': `attachment; filename="${stream.filename}"` }),
  });
  try {
    while (!next.done) {
      if (response.destroyed) return;
      if (!response.write(next.value)) await Promise.race([once(response, 'drain'), once(response, 'close')]);
      next = await iterator.next();
    }
    response.end();
  } catch (error) {
    // Headers are gone: cutting the connection is the only way to tell the client it is incomplete.
    response.destroy(error as Error);
    throw error;
  } finally {
    await iterator.return?.();
  }
}
