import type { ChatCompletion, FinishReason, Usage } from '../schema/chat-completion-response.js';

/** The Anthropic Message a `/v1/messages` client receives (API version 2023-06-01 shape). */
export interface AnthropicMessage {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicContentBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

export type AnthropicContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string };

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Anthropic message ids start with `msg_`; other providers' ids are kept behind that prefix. */
export function messageId(id: string): string {
  return id.startsWith('msg_') ? id : `msg_${id}`;
}

/** OpenAI finish_reason → Anthropic stop_reason (a matched stop sequence is `stop_sequence`). */
export function stopReasonOf(finishReason: FinishReason | null | undefined, stopSequence: string | null): AnthropicStopReason {
  switch (finishReason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return stopSequence ? 'stop_sequence' : 'end_turn';
  }
}

/**
 * OpenAI usage → Anthropic usage. OpenAI's prompt_tokens include cached and cache-written tokens;
 * Anthropic's input_tokens exclude both (mapUsage in the Anthropic adapter is the inverse).
 */
export function anthropicUsage(usage: Usage | null | undefined): AnthropicUsage {
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.prompt_tokens_details?.cache_write_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cacheRead - cacheWrite),
    output_tokens: usage?.completion_tokens ?? 0,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}

/** Tool arguments are a JSON string in OpenAI's format and an object in Anthropic's. */
export function toolInput(argumentsJson: string): unknown {
  if (argumentsJson.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(argumentsJson);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { value: parsed };
  } catch {
    // A model that produced broken JSON: the client still sees what it said.
    return { _raw_arguments: argumentsJson };
  }
}

/** Anthropic-only output the Anthropic adapter put under `message.anthropic` (convert-response.ts there). */
export interface AnthropicExtras {
  thinking_blocks?: Array<{ type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string }>;
  stop_sequence?: string;
}

export function convertCompletionToMessage(completion: ChatCompletion): AnthropicMessage {
  const choice = completion.choices[0];
  const message = choice?.message;
  const extras = (message?.anthropic ?? {}) as AnthropicExtras;
  const content: AnthropicContentBlock[] = [];
  for (const block of extras.thinking_blocks ?? []) content.push({ ...block });
  if (typeof message?.content === 'string' && message.content !== '') content.push({ type: 'text', text: message.content });
  for (const call of message?.tool_calls ?? []) {
    content.push({ type: 'tool_use', id: call.id, name: call.function.name, input: toolInput(call.function.arguments) });
  }
  const stopSequence = extras.stop_sequence ?? null;
  return {
    id: messageId(completion.id),
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content,
    stop_reason: stopReasonOf(choice?.finish_reason, stopSequence),
    stop_sequence: stopReasonOf(choice?.finish_reason, stopSequence) === 'stop_sequence' ? stopSequence : null,
    usage: anthropicUsage(completion.usage),
  };
}
