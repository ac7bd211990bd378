import { chatCompletionRequestSchema } from '../../schema/chat-completion-request.js';
import type { Stage } from '../compose-stages.js';
import { parseJsonBody } from './parse-json-body.js';

export const parseChatRequest: Stage = async (context, next) => {
  context.chatRequest = parseJsonBody(context.body, chatCompletionRequestSchema);
  await next();
};
