import type { Stage } from '../pipeline/compose-stages.js';
import { parseJsonBody } from '../pipeline/stages/parse-json-body.js';
import { countPromptTokens } from '../usage/estimate-tokens.js';
import { loadTokenizer } from '../usage/tokenizer.js';
import { convertMessagesRequest } from './convert-messages-request.js';
import { countTokensRequestSchema } from './messages-request-schema.js';

export const parseCountTokensRequest: Stage = async (context, next) => {
  const request = parseJsonBody(context.body, countTokensRequestSchema);
  context.chatRequest = convertMessagesRequest(request, (warning) => context.warnings.push(warning));
  await next();
};

/**
 * `POST /v1/messages/count_tokens` (Anthropic's SDK `messages.countTokens`): the prompt's tokens
 * estimated with the gateway's tokenizer (o200k, see src/usage/estimate-tokens.ts), whatever the
 * provider — an estimate, said so in `x-sluice-warnings`, for budgeting a prompt before sending
 * it; Anthropic's exact count stays available at `/native/anthropic/v1/messages/count_tokens`.
 */
export const countMessageTokens: Stage = async (context) => {
  const count = await loadTokenizer();
  context.warnings.push('input_tokens is estimated with the o200k tokenizer; providers count slightly differently');
  context.result = { kind: 'json', body: { input_tokens: countPromptTokens(count, context.chatRequest!) } };
};
