import type { ChatCompletionRequest } from './chat-completion-request.js';

/**
 * A cheap check that a parsed body is certainly a valid chat request under
 * `chatCompletionRequestSchema`, for the hot path. It covers the common shapes (text and image
 * messages, tool calls and results, the scalar parameters) and answers false for anything else
 * — tools, tool_choice, response_format, audio or file parts, any doubt — so the caller then
 * runs the zod schema, which decides and words the error. It must never accept what the schema
 * rejects (is-plain-chat-request.test.ts checks that on valid and broken requests). The schema's
 * objects are loose, so a body it accepts comes out equal to what went in: on `true` the parsed
 * body is the request as is.
 */
export function isPlainChatRequest(body: unknown): body is ChatCompletionRequest {
  if (!isObject(body)) return false;
  if (typeof body.model !== 'string' || body.model.length === 0) return false;
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  for (const message of messages) if (!isPlainMessage(message)) return false;
  for (const key in body) {
    if (!Object.hasOwn(body, key) || key === 'model' || key === 'messages') continue;
    const check = parameterChecks.get(key);
    // An unknown parameter passes untouched (loose objects); a modelled one without a cheap check goes to zod.
    if (check === undefined) {
      if (modelledWithoutCheck.has(key)) return false;
      continue;
    }
    if (!check(body[key])) return false;
  }
  return true;
}

type Check = (value: unknown) => boolean;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString: Check = (value) => typeof value === 'string';
const isNumber: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const isBoolean: Check = (value) => typeof value === 'boolean';
const nullable = (check: Check): Check => (value) => value === null || check(value);
const optional = (check: Check): Check => (value) => value === undefined || check(value);
const positiveInteger: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 1;
const integer: Check = (value) => Number.isSafeInteger(value);
const stringArray: Check = (value) => Array.isArray(value) && value.every(isString);

const parameterChecks = new Map<string, Check>(Object.entries({
  stream: nullable(isBoolean),
  stream_options: nullable((value) => isObject(value) && optional(isBoolean)(value.include_usage)),
  temperature: nullable(isNumber),
  top_p: nullable(isNumber),
  n: nullable(positiveInteger),
  max_tokens: nullable(positiveInteger),
  max_completion_tokens: nullable(positiveInteger),
  stop: nullable((value) => isString(value) || stringArray(value)),
  presence_penalty: nullable(isNumber),
  frequency_penalty: nullable(isNumber),
  seed: nullable(integer),
  logprobs: nullable(isBoolean),
  top_logprobs: nullable(integer),
  user: isString,
  parallel_tool_calls: isBoolean,
  reasoning_effort: nullable(isString),
  metadata: nullable((value) => isObject(value) && Object.values(value).every(isString)),
}));

/** Parameters the schema models with nested shapes this check leaves to zod. */
const modelledWithoutCheck = new Set(['tools', 'tool_choice', 'response_format']);

const isTextPart: Check = (part) => isObject(part) && part.type === 'text' && typeof part.text === 'string';
const imageDetails = new Set(['auto', 'low', 'high']);
const isImagePart: Check = (part) => {
  if (!isObject(part) || part.type !== 'image_url') return false;
  const image = part.image_url;
  return isObject(image) && typeof image.url === 'string' && (image.detail === undefined || imageDetails.has(image.detail as string));
};
const textContent: Check = (content) => typeof content === 'string' || (Array.isArray(content) && content.every(isTextPart));
const userContent: Check = (content) => typeof content === 'string' || (Array.isArray(content) && content.every((part) => isTextPart(part) || isImagePart(part)));
const isToolCall: Check = (call) =>
  isObject(call) && typeof call.id === 'string' && call.type === 'function' && isObject(call.function) && typeof call.function.name === 'string' && typeof call.function.arguments === 'string';

function isPlainMessage(message: unknown): boolean {
  if (!isObject(message)) return false;
  switch (message.role) {
    case 'system':
    case 'developer':
      return textContent(message.content) && optional(isString)(message.name);
    case 'user':
      return userContent(message.content) && optional(isString)(message.name);
    case 'assistant':
      return (
        (message.content === undefined || message.content === null || typeof message.content === 'string') &&
        optional(isString)(message.name) &&
        optional(nullable(isString))(message.refusal) &&
        (message.tool_calls === undefined || (Array.isArray(message.tool_calls) && message.tool_calls.every(isToolCall)))
      );
    case 'tool':
      return textContent(message.content) && typeof message.tool_call_id === 'string';
    default:
      return false;
  }
}
