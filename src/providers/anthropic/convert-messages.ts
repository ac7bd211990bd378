import { InvalidRequestError } from '../../errors/gateway-errors.js';
import type { ChatMessage } from '../../schema/chat-completion-request.js';
import { textBlock, userPartToBlock } from './convert-content.js';
import type {
  ContentBlockParam,
  MessageParam,
  RedactedThinkingBlockParam,
  TextBlockParam,
  ThinkingBlockParam,
  ToolResultBlockParam,
  ToolUseBlockParam,
} from './wire-types.js';

type Warn = (message: string) => void;

export interface ConvertedMessages {
  system?: string | TextBlockParam[];
  messages: MessageParam[];
}

/**
 * Canonical messages → Anthropic `system` + `messages`.
 * - system/developer messages go to the top-level `system` (API version 2023-06-01 has no
 *   system role inside `messages`), in order; one plain block is sent as a string.
 * - tool messages become user-role `tool_result` blocks.
 * - consecutive same-role turns are merged into one turn, so tool results sit in the single
 *   user turn right after the assistant's tool_use blocks, as Anthropic requires; in a merged
 *   user turn the tool_result blocks come first, before any text.
 */
export function convertMessages(messages: ChatMessage[], warn: Warn): ConvertedMessages {
  const systemBlocks: TextBlockParam[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; content: ContentBlockParam[] }> = [];
  let conversationStarted = false;

  for (const [index, message] of messages.entries()) {
    const path = `messages[${index}]`;
    if (typeof message.name === 'string' && message.role !== 'system' && message.role !== 'developer') {
      warn(`${path}.name has no Anthropic equivalent and was not sent.`);
    }
    if (message.role === 'system' || message.role === 'developer') {
      if (conversationStarted) warn(`${path}: a ${message.role} message inside the conversation was moved to the top-level system prompt.`);
      const parts = typeof message.content === 'string' ? [textBlock(message.content)] : message.content.map((part) => textBlock(part.text, part));
      for (const block of parts) if (block) systemBlocks.push(block);
      continue;
    }
    conversationStarted = true;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    let content: ContentBlockParam[];
    if (message.role === 'user') content = userContent(message, path, warn);
    else if (message.role === 'assistant') content = assistantContent(message, path, warn);
    else if (message.role === 'tool') content = [toolResult(message)];
    else continue; // unreachable: system and developer were handled above
    if (content.length === 0) {
      warn(`${path}: the ${message.role} message has no content Anthropic accepts and was not sent.`);
      continue;
    }
    const previous = turns[turns.length - 1];
    if (previous && previous.role === role) previous.content.push(...content);
    else turns.push({ role, content });
  }

  return {
    ...(systemBlocks.length > 0 ? { system: systemForWire(systemBlocks) } : {}),
    messages: turns.map((turn) => ({ role: turn.role, content: turn.role === 'user' ? toolResultsFirst(turn.content) : turn.content })),
  };
}

function systemForWire(blocks: TextBlockParam[]): string | TextBlockParam[] {
  return blocks.length === 1 && !blocks[0].cache_control ? blocks[0].text : blocks;
}

/** Stable partition: Anthropic rejects text before tool_result blocks in a user turn. */
function toolResultsFirst(content: ContentBlockParam[]): ContentBlockParam[] {
  const results = content.filter((block) => block.type === 'tool_result');
  if (results.length === 0 || results.length === content.length) return content;
  return [...results, ...content.filter((block) => block.type !== 'tool_result')];
}

function userContent(message: Extract<ChatMessage, { role: 'user' }>, path: string, warn: Warn): ContentBlockParam[] {
  if (typeof message.content === 'string') {
    const block = textBlock(message.content);
    return block ? [block] : [];
  }
  const blocks: ContentBlockParam[] = [];
  message.content.forEach((part, partIndex) => {
    const block = userPartToBlock(part, `${path}.content[${partIndex}]`, warn);
    if (block) blocks.push(block);
  });
  return blocks;
}

function assistantContent(message: Extract<ChatMessage, { role: 'assistant' }>, path: string, warn: Warn): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [...replayedThinking(message, path, warn)];
  if (typeof message.content === 'string') {
    const block = textBlock(message.content);
    if (block) blocks.push(block);
  } else if (Array.isArray(message.content)) {
    for (const part of message.content) {
      const block = textBlock(part.type === 'text' ? part.text : part.refusal, part);
      if (block) blocks.push(block);
    }
  }
  message.tool_calls?.forEach((call, callIndex) => {
    blocks.push(toolUse(call, `${path}.tool_calls[${callIndex}].function.arguments`));
  });
  return blocks;
}

/** OpenAI carries arguments as a JSON string; Anthropic wants the parsed object as `input`. */
function toolUse(call: NonNullable<Extract<ChatMessage, { role: 'assistant' }>['tool_calls']>[number], path: string): ToolUseBlockParam {
  const text = call.function.arguments.trim();
  let input: unknown = {};
  if (text !== '') {
    try {
      input = JSON.parse(text);
    } catch {
      throw new InvalidRequestError(`${path} is not valid JSON.`, { param: path });
    }
  }
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidRequestError(`${path} must be a JSON object.`, { param: path });
  }
  return { type: 'tool_use', id: call.id, name: call.function.name, input: input as Record<string, unknown> };
}

function toolResult(message: Extract<ChatMessage, { role: 'tool' }>): ToolResultBlockParam {
  const block: ToolResultBlockParam = { type: 'tool_result', tool_use_id: message.tool_call_id };
  if (typeof message.content === 'string') {
    if (message.content !== '') block.content = message.content;
  } else {
    const texts = message.content.map((part) => textBlock(part.text, part)).filter((text): text is TextBlockParam => text !== undefined);
    if (texts.length > 0) block.content = texts;
  }
  return block;
}

/**
 * Thinking blocks this adapter returned earlier (`message.anthropic.thinking_blocks`, see
 * convert-response.ts) are replayed first in the assistant turn: Anthropic needs them, with
 * their signatures, to continue a tool-use turn when thinking is on. `reasoning_content` alone
 * has no signature and cannot be replayed.
 */
function replayedThinking(message: Extract<ChatMessage, { role: 'assistant' }>, path: string, warn: Warn): Array<ThinkingBlockParam | RedactedThinkingBlockParam> {
  const extras = message.anthropic as { thinking_blocks?: unknown } | undefined;
  const candidates = Array.isArray(extras?.thinking_blocks) ? (extras.thinking_blocks as unknown[]) : [];
  const blocks: Array<ThinkingBlockParam | RedactedThinkingBlockParam> = [];
  for (const candidate of candidates) {
    const block = candidate as Record<string, unknown>;
    if (block?.type === 'thinking' && typeof block.thinking === 'string' && typeof block.signature === 'string') {
      blocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    } else if (block?.type === 'redacted_thinking' && typeof block.data === 'string') {
      blocks.push({ type: 'redacted_thinking', data: block.data });
    } else {
      warn(`${path}.anthropic.thinking_blocks holds an entry that is not a thinking or redacted_thinking block; it was not sent.`);
    }
  }
  if (blocks.length === 0 && typeof message.reasoning_content === 'string' && message.reasoning_content !== '') {
    warn(`${path}.reasoning_content cannot be replayed to Anthropic without its signature (send anthropic.thinking_blocks); it was not sent.`);
  }
  return blocks;
}
