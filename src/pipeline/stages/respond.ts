import { encodeEmbeddingBase64, type EmbeddingsResponse } from '../../schema/embeddings.js';
import { writeError, writeJson } from '../../server/write-response.js';
import { writeChatStream } from '../../server/write-chat-stream.js';
import type { Stage } from '../compose-stages.js';
import type { PipelineResult, RequestContext } from '../request-context.js';

/**
 * The outermost stage: runs the rest of the pipeline, then writes what it produced, or the
 * error it threw, in the client's format. Nothing else writes to the response.
 */
export const respond: Stage = (context, next) =>
  respondWith(context, next, async (result) => {
    if (!result) throw new Error(`the ${context.endpoint} pipeline produced no result`);
    if (result.kind === 'chat') writeJson(context, 200, result.completion);
    else if (result.kind === 'chat-stream') await writeChatStream(context, result.chunks);
    else if (result.kind === 'json') writeJson(context, 200, result.body);
    else writeJson(context, 200, matchEncoding(context, result.embeddings));
  });

/**
 * The shape of every outermost stage (this one, /v1/messages'): run the pipeline, write its result
 * with `write`, or the error in the context's dialect; then run the finishers and report the
 * parameters the provider could not take.
 */
export async function respondWith(context: RequestContext, next: () => Promise<void>, write: (result: PipelineResult | undefined) => void | Promise<void>): Promise<void> {
  let failure: unknown;
  try {
    await next();
    await write(context.result);
  } catch (error) {
    failure = error;
    if (!context.abort.signal.aborted) writeError(context, error);
  } finally {
    await runFinishers(context, failure);
    if (context.warnings.length > 0) {
      context.logger.warn({ requestId: context.requestId, model: context.target?.qualifiedModel, warnings: context.warnings }, 'request parameters not supported by the provider');
    }
  }
}

/**
 * Some OpenAI-compatible servers ignore `encoding_format`; answer in the encoding the client
 * asked for, since the official SDK decodes base64 unconditionally when it asked for it.
 */
function matchEncoding(context: RequestContext, response: EmbeddingsResponse): EmbeddingsResponse {
  const wantsBase64 = context.embeddingsRequest?.encoding_format === 'base64';
  // Unchanged, it stays the same object: a cache hit then writes the bytes remembered for it.
  if (!wantsBase64 || !response.data.some((item) => Array.isArray(item.embedding))) return response;
  const data = response.data.map((item) => {
    if (wantsBase64 && Array.isArray(item.embedding)) return { ...item, embedding: encodeEmbeddingBase64(item.embedding) };
    return item;
  });
  return { ...response, data };
}

/** A finisher's failure is logged, never turned into a second response. */
export async function runFinishers(context: RequestContext, failure: unknown): Promise<void> {
  for (const finisher of context.finishers) {
    try {
      await finisher(failure);
    } catch (error) {
      context.logger.error({ requestId: context.requestId, err: error }, 'request finisher failed');
    }
  }
}
