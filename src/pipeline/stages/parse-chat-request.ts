import { chatCompletionRequestSchema } from '../../schema/chat-completion-request.js';
import { isPlainChatRequest } from '../../schema/is-plain-chat-request.js';
import type { Stage } from '../compose-stages.js';
import { parseJsonBody } from './parse-json-body.js';

export const parseChatRequest: Stage = (context, next) => {
  // The common request passes a cheap check; anything else gets the full schema and its error.
  context.chatRequest = parseJsonBody(context.body, chatCompletionRequestSchema, isPlainChatRequest);
  return next();
};
