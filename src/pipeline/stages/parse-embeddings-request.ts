import { embeddingsRequestSchema } from '../../schema/embeddings.js';
import type { Stage } from '../compose-stages.js';
import { parseJsonBody } from './parse-json-body.js';

export const parseEmbeddingsRequest: Stage = async (context, next) => {
  context.embeddingsRequest = parseJsonBody(context.body, embeddingsRequestSchema);
  await next();
};
