import { InvalidRequestError } from '../../errors/gateway-errors.js';
import { encodeEmbeddingBase64, type EmbeddingsRequest, type EmbeddingsResponse } from '../../schema/embeddings.js';
import type { BatchEmbedContentsRequest, EmbedContentRequest } from './wire-types.js';

/** Google rejects a `batchEmbedContents` call with more than 100 requests. */
export const maximumBatchSize = 100;

const handledKeys = new Set(['model', 'input', 'encoding_format', 'dimensions', 'gemini']);

/** The texts to embed. Gemini embeds text only: token-id arrays cannot be sent. */
export function embeddingInputs(request: EmbeddingsRequest): string[] {
  const { input } = request;
  if (typeof input === 'string') return [input];
  if (input.every((item): item is string => typeof item === 'string')) return input;
  throw new InvalidRequestError('input: Gemini embeds text only; token-id arrays are not supported', { param: 'input' });
}

/**
 * One `batchEmbedContents` body. `dimensions` → `outputDimensionality`; keys under the
 * request's `gemini` object (`taskType`, `title`, …) are copied into every entry.
 */
export function convertEmbeddingsRequest(
  texts: string[],
  request: EmbeddingsRequest,
  resourceName: string,
  warn: (message: string) => void,
): BatchEmbedContentsRequest {
  for (const [key, value] of Object.entries(request)) {
    if (!handledKeys.has(key) && value !== undefined && value !== null) {
      warn(`parameter "${key}" is not supported by Gemini embeddings and was ignored`);
    }
  }
  const extras = request.gemini;
  const extraFields = typeof extras === 'object' && extras !== null && !Array.isArray(extras) ? (extras as Record<string, unknown>) : {};
  return {
    requests: texts.map((text): EmbedContentRequest => ({
      model: resourceName,
      content: { parts: [{ text }] },
      ...(request.dimensions !== undefined ? { outputDimensionality: request.dimensions } : {}),
      ...extraFields,
    })),
  };
}

/**
 * Vectors (in input order) → OpenAI embeddings list, base64-encoded when the client asked
 * (the openai SDK asks by default and decodes base64 as float32).
 *
 * Usage: `batchEmbedContents` reports no token counts, so usage is 0/0 here. Nothing is
 * estimated or marked in this adapter: the usage stage is the one place that decides how to
 * estimate missing counts.
 */
export function convertEmbeddingsResponse(vectors: number[][], request: EmbeddingsRequest): EmbeddingsResponse {
  const base64 = request.encoding_format === 'base64';
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? encodeEmbeddingBase64(vector) : vector,
    })),
    model: request.model,
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
