import type { Stage } from '../pipeline/compose-stages.js';
import { parseJsonBody } from '../pipeline/stages/parse-json-body.js';
import { convertMessagesRequest } from './convert-messages-request.js';
import { messagesRequestSchema } from './messages-request-schema.js';

/**
 * `POST /v1/messages`: validates the Anthropic request and hands the rest of the chat pipeline
 * its canonical form, so limits, guardrails, cache, routing and usage apply unchanged.
 */
export const parseMessagesRequest: Stage = async (context, next) => {
  const request = parseJsonBody(context.body, messagesRequestSchema);
  context.chatRequest = convertMessagesRequest(request, (warning) => context.warnings.push(warning));
  await next();
};
