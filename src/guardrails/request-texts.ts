import type { ChatCompletionRequest, ChatMessage } from '../schema/chat-completion-request.js';
import type { MessageRole } from './guardrail-policy.js';

/** One piece of text in a request that a guardrail reads and may rewrite. */
export interface TextSlot {
  readonly role: MessageRole;
  readonly messageIndex: number;
  /** Content part index, or tool call index for `tool_arguments`. */
  readonly index: number;
  readonly kind: 'content' | 'part' | 'tool_arguments';
  text: string;
  changed: boolean;
}

/**
 * The texts of a chat request: message contents, text parts, and the arguments of tool calls
 * in the history. Images, audio and files are not text and are passed as they are.
 */
export function collectTextSlots(request: ChatCompletionRequest): TextSlot[] {
  const slots: TextSlot[] = [];
  request.messages.forEach((message, messageIndex) => {
    const role = message.role as MessageRole;
    const content = message.content;
    if (typeof content === 'string') slots.push({ role, messageIndex, index: 0, kind: 'content', text: content, changed: false });
    else if (Array.isArray(content)) {
      content.forEach((part, index) => {
        if (part.type === 'text') slots.push({ role, messageIndex, index, kind: 'part', text: part.text, changed: false });
      });
    }
    if (message.role === 'assistant') {
      message.tool_calls?.forEach((call, index) => {
        slots.push({ role, messageIndex, index, kind: 'tool_arguments', text: call.function.arguments, changed: false });
      });
    }
  });
  return slots;
}

/** A copy of the request with the changed slots written back; untouched messages are shared, not copied. */
export function applyTextSlots(request: ChatCompletionRequest, slots: readonly TextSlot[]): ChatCompletionRequest {
  const changed = slots.filter((slot) => slot.changed);
  if (changed.length === 0) return request;
  const messages = [...request.messages];
  for (const slot of changed) {
    const message = { ...messages[slot.messageIndex] } as ChatMessage & Record<string, unknown>;
    if (slot.kind === 'content') message.content = slot.text;
    else if (slot.kind === 'part') {
      const parts = [...(message.content as Array<Record<string, unknown>>)];
      parts[slot.index] = { ...parts[slot.index], text: slot.text };
      message.content = parts as never;
    } else if (message.role === 'assistant' && message.tool_calls) {
      const calls = [...message.tool_calls];
      calls[slot.index] = { ...calls[slot.index], function: { ...calls[slot.index].function, arguments: slot.text } };
      message.tool_calls = calls;
    }
    messages[slot.messageIndex] = message;
  }
  return { ...request, messages };
}
