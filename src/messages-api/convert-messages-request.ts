import type { ChatCompletionRequest, ChatMessage, ContentPart } from '../schema/chat-completion-request.js';
import type { CountTokensRequest, MessageContentBlock, MessageParam, MessagesRequest } from './messages-request-schema.js';

type Warn = (message: string) => void;

/** Top-level request fields mapped to canonical ones (everything else goes under `anthropic`). */
const mappedFields = new Set([
  'model', 'messages', 'max_tokens', 'system', 'stop_sequences', 'stream', 'temperature', 'top_p', 'metadata', 'tools', 'tool_choice',
]);

/**
 * An Anthropic Messages request → the canonical (OpenAI) request, so every stage and every
 * provider serves `/v1/messages` as they serve chat completions. What OpenAI's schema cannot say
 * (top_k, thinking, service_tier, …) is carried under the `anthropic` key, which the Anthropic
 * adapter sends as is and the others report as unsupported. Thinking blocks of earlier turns go
 * to `message.anthropic.thinking_blocks`, the shape the Anthropic adapter replays with their
 * signatures; `cache_control` stays on the parts that carry it.
 */
export function convertMessagesRequest(request: MessagesRequest | CountTokensRequest, warn: Warn): ChatCompletionRequest {
  const messages: ChatMessage[] = [];
  if (request.system !== undefined) {
    const content = typeof request.system === 'string' ? request.system : request.system.map((block) => ({ ...block }));
    if (content.length > 0) messages.push({ role: 'system', content });
  }
  request.messages.forEach((message, index) => messages.push(...convertMessage(message, `messages[${index}]`, warn)));

  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(request)) if (!mappedFields.has(key) && value !== undefined) extras[key] = value;

  const canonical: ChatCompletionRequest = { model: request.model, messages, ...(request.max_tokens !== undefined ? { max_tokens: request.max_tokens } : {}) };
  if (request.stop_sequences?.length) canonical.stop = request.stop_sequences;
  if (request.temperature !== undefined) canonical.temperature = request.temperature;
  if (request.top_p !== undefined) canonical.top_p = request.top_p;
  if (request.metadata?.user_id) canonical.user = request.metadata.user_id;
  if ('stream' in request && request.stream) {
    canonical.stream = true;
    // message_delta reports the final usage, so the stream must carry it whatever the client asked.
    canonical.stream_options = { include_usage: true };
  }
  if (request.tools?.length) {
    canonical.tools = request.tools.map(({ name, description, input_schema: inputSchema, cache_control: cacheControl }) => ({
      type: 'function' as const,
      function: { name, ...(description !== undefined ? { description } : {}), parameters: inputSchema },
      ...(cacheControl ? { cache_control: cacheControl } : {}),
    }));
  }
  const choice = request.tool_choice;
  if (choice) {
    if (choice.type === 'auto') canonical.tool_choice = 'auto';
    else if (choice.type === 'any') canonical.tool_choice = 'required';
    else if (choice.type === 'none') canonical.tool_choice = 'none';
    else canonical.tool_choice = { type: 'function', function: { name: choice.name } };
    if ('disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true) canonical.parallel_tool_calls = false;
  }
  if (Object.keys(extras).length > 0) canonical.anthropic = extras;
  return canonical;
}

/**
 * One Anthropic turn → canonical messages. A user turn's tool_result blocks become `tool`
 * messages placed before the rest of the turn (OpenAI wants each tool answer right after the
 * assistant message that asked for it); an assistant turn's tool_use blocks become tool_calls.
 */
function convertMessage(message: MessageParam, path: string, warn: Warn): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  if (message.role === 'assistant') return [assistantMessage(message.content, path, warn)];
  const toolMessages: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  message.content.forEach((block, index) => {
    const blockPath = `${path}.content[${index}]`;
    if (block.type === 'tool_result') toolMessages.push(toolResultMessage(block, blockPath, warn));
    else {
      const part = userPart(block, blockPath, warn);
      if (part) parts.push(part);
    }
  });
  return parts.length > 0 ? [...toolMessages, { role: 'user', content: parts }] : toolMessages;
}

function assistantMessage(blocks: MessageContentBlock[], path: string, warn: Warn): ChatMessage {
  const texts: Array<{ type: 'text'; text: string; [key: string]: unknown }> = [];
  const toolCalls: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> = [];
  const thinkingBlocks: unknown[] = [];
  blocks.forEach((block, index) => {
    if (block.type === 'text') texts.push({ ...block });
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input) } });
    else if (block.type === 'thinking' || block.type === 'redacted_thinking') thinkingBlocks.push(block);
    else warn(`${path}.content[${index}]: a ${block.type} block in an assistant turn is not supported; it was not sent.`);
  });
  const plainText = texts.length > 0 && texts.every((block) => Object.keys(block).length === 2);
  return {
    role: 'assistant',
    content: texts.length === 0 ? null : plainText ? texts.map((block) => block.text).join('') : texts,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(thinkingBlocks.length > 0 ? { anthropic: { thinking_blocks: thinkingBlocks } } : {}),
  };
}

function toolResultMessage(block: Extract<MessageContentBlock, { type: 'tool_result' }>, path: string, warn: Warn): ChatMessage {
  let content: string | Array<{ type: 'text'; text: string }>;
  if (block.content === undefined) content = '';
  else if (typeof block.content === 'string') content = block.content;
  else {
    content = [];
    block.content.forEach((part, index) => {
      if (part.type === 'text') (content as Array<{ type: 'text'; text: string }>).push({ type: 'text', text: part.text });
      else warn(`${path}.content[${index}]: an image inside a tool_result cannot be carried to every provider; it was not sent.`);
    });
  }
  // OpenAI's tool message has no error flag; the model still needs to know the call failed.
  if (block.is_error) content = typeof content === 'string' ? `Error: ${content}` : [{ type: 'text', text: 'Error:' }, ...content];
  return { role: 'tool', tool_call_id: block.tool_use_id, content };
}

function userPart(block: MessageContentBlock, path: string, warn: Warn): ContentPart | undefined {
  switch (block.type) {
    case 'text':
      return { ...block };
    case 'image': {
      const url = block.source.type === 'base64' ? `data:${block.source.media_type};base64,${block.source.data}` : block.source.url;
      return { type: 'image_url', image_url: { url }, ...(block.cache_control ? { cache_control: block.cache_control } : {}) };
    }
    case 'document':
      return documentPart(block, path, warn);
    default:
      warn(`${path}: a ${block.type} block in a user turn is not supported; it was not sent.`);
      return undefined;
  }
}

function documentPart(block: Extract<MessageContentBlock, { type: 'document' }>, path: string, warn: Warn): ContentPart | undefined {
  const { source } = block;
  const filename = block.title ?? undefined;
  const cacheControl = block.cache_control ? { cache_control: block.cache_control } : {};
  if (source.type === 'base64') {
    return { type: 'file', file: { file_data: `data:${source.media_type};base64,${source.data}`, ...(filename ? { filename } : {}) }, ...cacheControl };
  }
  if (source.type === 'text') {
    const data = Buffer.from(source.data, 'utf8').toString('base64');
    return { type: 'file', file: { file_data: `data:text/plain;base64,${data}`, ...(filename ? { filename } : {}) }, ...cacheControl };
  }
  warn(`${path}: a document given by URL cannot be carried to every provider; it was not sent.`);
  return undefined;
}
