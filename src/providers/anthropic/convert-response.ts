import type { ChatCompletion, ChatCompletionMessage, ToolCall } from '../../schema/chat-completion-response.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';
import type { Message, RedactedThinkingBlockParam, ThinkingBlockParam } from './wire-types.js';

export interface ConvertResponseOptions {
  /** The JSON-mode tool (see convert-tools.ts): its call is the answer text, not a tool call. */
  jsonResponseToolName?: string;
  /** Seconds since the epoch; Anthropic sends no creation time. */
  now?: () => number;
}

/**
 * Where Anthropic-only output goes (DESIGN.md §2.1, provider extras under the provider's key):
 * - thinking text → `message.reasoning_content`, the field DeepSeek, vLLM and LiteLLM use, so
 *   OpenAI-format clients that show reasoning find it;
 * - the thinking blocks themselves, with signatures → `message.anthropic.thinking_blocks`, which
 *   convert-request.ts replays in the next turn (Anthropic requires them to continue tool use);
 * - `stop_details` (why a refusal happened) and the matched `stop_sequence` → `message.anthropic`.
 * Server-tool blocks (web search, code execution) ran at Anthropic: they are not client tool
 * calls, and the model's text already reports their results.
 */
export function convertResponse(message: Message, options: ConvertResponseOptions = {}): ChatCompletion {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: Array<ThinkingBlockParam | RedactedThinkingBlockParam> = [];
  const toolCalls: ToolCall[] = [];

  for (const block of message.content) {
    if (block.type === 'text') {
      texts.push((block as { text: string }).text);
    } else if (block.type === 'thinking') {
      const { thinking, signature } = block as ThinkingBlockParam;
      reasoning.push(thinking);
      thinkingBlocks.push({ type: 'thinking', thinking, signature });
    } else if (block.type === 'redacted_thinking') {
      thinkingBlocks.push({ type: 'redacted_thinking', data: (block as RedactedThinkingBlockParam).data });
    } else if (block.type === 'tool_use') {
      const { id, name, input } = block as { id: string; name: string; input: unknown };
      const argumentsJson = JSON.stringify(input ?? {});
      if (name === options.jsonResponseToolName) texts.push(argumentsJson);
      else toolCalls.push({ id, type: 'function', function: { name, arguments: argumentsJson } });
    }
  }

  let finishReason = mapFinishReason(message.stop_reason) ?? 'stop';
  // The forced JSON tool ends the turn with stop_reason tool_use, but for the client it is an answer.
  if (finishReason === 'tool_calls' && toolCalls.length === 0) finishReason = 'stop';

  const anthropicExtras: Record<string, unknown> = {};
  if (thinkingBlocks.length > 0) anthropicExtras.thinking_blocks = thinkingBlocks;
  if (message.stop_details) anthropicExtras.stop_details = message.stop_details;
  if (message.stop_sequence) anthropicExtras.stop_sequence = message.stop_sequence;

  const chatMessage: ChatCompletionMessage = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : toolCalls.length > 0 ? null : '',
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    ...(reasoning.length > 0 ? { reasoning_content: reasoning.join('') } : {}),
    ...(message.stop_reason === 'refusal' ? { refusal: message.stop_details?.explanation ?? null } : {}),
    ...(Object.keys(anthropicExtras).length > 0 ? { anthropic: anthropicExtras } : {}),
  };

  return {
    id: message.id,
    object: 'chat.completion',
    created: options.now ? options.now() : Math.floor(Date.now() / 1000),
    model: message.model,
    choices: [{ index: 0, message: chatMessage, finish_reason: finishReason, logprobs: null }],
    usage: mapUsage(message.usage),
  };
}
