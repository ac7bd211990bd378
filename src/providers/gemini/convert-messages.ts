import { InvalidRequestError } from '../../errors/gateway-errors.js';
import type { ChatMessage } from '../../schema/chat-completion-request.js';
import { convertMediaPart } from './convert-content-part.js';
import { skipThoughtSignatureValidator, thoughtSignatureFromToolCallId } from './thought-signature.js';
import type { GeminiContent, GeminiPart, GeminiRole } from './wire-types.js';

export interface ConvertedMessages {
  systemInstruction?: GeminiContent;
  contents: GeminiContent[];
}

/**
 * OpenAI messages → Gemini `systemInstruction` + `contents`.
 *
 * - system/developer messages, wherever they stand, go to `systemInstruction` (Gemini has no
 *   system role inside `contents` and rejects one); a request made only of system messages
 *   sends them as the user turn instead, because Gemini rejects empty `contents`.
 * - user → `user`, assistant → `model` (Gemini rejects "assistant"), tool → a `user` turn with
 *   `functionResponse` parts. Consecutive turns of one role are merged into one content,
 *   which is how Gemini expects parallel tool results and what it does itself.
 * - An assistant's `reasoning_content` (thought summaries this adapter returned) is not replayed:
 *   Gemini does not take thought summaries as input; the signatures carry the reasoning state.
 */
export function convertMessages(messages: ChatMessage[], model: string, warn: (message: string) => void): ConvertedMessages {
  const systemParts: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  const toolNamesById = new Map<string, string>();
  const requiresSignatures = /(^|\/)gemini-3/.test(model);

  const append = (role: GeminiRole, parts: GeminiPart[]) => {
    if (parts.length === 0) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  messages.forEach((message, index) => {
    const where = `messages[${index}]`;
    if ('name' in message && message.name !== undefined) {
      warn(`${where}.name is not supported by Gemini and was ignored`);
    }
    switch (message.role) {
      case 'system':
      case 'developer':
        systemParts.push(...textsOf(message.content).map((text) => ({ text })));
        return;
      case 'user': {
        if (typeof message.content === 'string') return append('user', [{ text: message.content }]);
        const parts: GeminiPart[] = [];
        message.content.forEach((part, partIndex) => {
          const converted = convertMediaPart(part, `${where}.content[${partIndex}]`, warn);
          if (converted) parts.push(converted);
        });
        return append('user', parts);
      }
      case 'assistant':
        return append('model', assistantParts(message, where, toolNamesById, requiresSignatures));
      case 'tool': {
        const name = toolNamesById.get(message.tool_call_id);
        if (name === undefined) {
          throw new InvalidRequestError(
            `${where}.tool_call_id "${message.tool_call_id}" matches no tool call of an earlier assistant message; Gemini needs the function name`,
            { param: `${where}.tool_call_id` },
          );
        }
        const text = textsOf(message.content).join('');
        return append('user', [{ functionResponse: { name, response: { result: parseJsonOr(text) } } }]);
      }
    }
  });

  const systemInstruction = systemParts.length > 0 ? { parts: systemParts } : undefined;
  if (contents.length === 0 && systemInstruction) return { contents: [{ role: 'user', parts: systemInstruction.parts }] };
  return { systemInstruction, contents };
}

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

function assistantParts(
  message: AssistantMessage,
  where: string,
  toolNamesById: Map<string, string>,
  requiresSignatures: boolean,
): GeminiPart[] {
  const parts: GeminiPart[] = [];
  if (typeof message.content === 'string') {
    if (message.content !== '') parts.push({ text: message.content });
  } else if (Array.isArray(message.content)) {
    for (const part of message.content) parts.push({ text: part.type === 'text' ? part.text : part.refusal });
  }
  if (parts.length === 0 && typeof message.refusal === 'string' && message.refusal !== '') parts.push({ text: message.refusal });

  // What this adapter returned under the message's `gemini` key goes back where it came from:
  // the text signature on the last text part, parts with no OpenAI counterpart (code
  // execution, generated images) as they were.
  const extras = (message.gemini ?? {}) as { thought_signature?: unknown; parts?: unknown };
  if (typeof extras.thought_signature === 'string' && parts.length > 0) parts[parts.length - 1].thoughtSignature = extras.thought_signature;
  if (Array.isArray(extras.parts)) {
    parts.push(...extras.parts.filter((part): part is GeminiPart => typeof part === 'object' && part !== null && !Array.isArray(part)));
  }

  const callParts: GeminiPart[] = [];
  (message.tool_calls ?? []).forEach((call, callIndex) => {
    const argumentsWhere = `${where}.tool_calls[${callIndex}].function.arguments`;
    const args = parseArguments(call.function.arguments, argumentsWhere);
    toolNamesById.set(call.id, call.function.name);
    const part: GeminiPart = { functionCall: { name: call.function.name, args } };
    const signature = thoughtSignatureFromToolCallId(call.id);
    if (signature) part.thoughtSignature = signature;
    callParts.push(part);
  });
  // Gemini 3 validates the signature of the first call of a step; history from another provider
  // (or a client that rewrote the ids) has none, so Google's documented placeholder stands in.
  if (requiresSignatures && callParts.length > 0 && !callParts.some((part) => part.thoughtSignature)) {
    callParts[0].thoughtSignature = skipThoughtSignatureValidator;
  }
  return [...parts, ...callParts];
}

function parseArguments(text: string, where: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidRequestError(`${where} is not valid JSON`, { param: where });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidRequestError(`${where} must be a JSON object for Gemini`, { param: where });
  }
  return parsed as Record<string, unknown>;
}

/** A tool result that is JSON is sent as structured data, anything else as the string. */
function parseJsonOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function textsOf(content: string | Array<{ type: 'text'; text: string }>): string[] {
  return typeof content === 'string' ? [content] : content.map((part) => part.text);
}
