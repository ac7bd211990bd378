import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import type { MessageRole } from '../guardrail-policy.js';
import { applyTextSlots, collectTextSlots } from '../request-texts.js';
import type { NativeRequestFormat } from './native-endpoint.js';

/** A text in a native body, by the role policies read it as; `write` puts a rewritten text back. */
export interface NativeText {
  role: MessageRole;
  text: string;
  changed: boolean;
  write?: (text: string) => void;
}

export interface NativeRequestTexts {
  readonly texts: NativeText[];
  /** The body with rewritten texts in place, to re-serialize. */
  rebuild(): unknown;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The texts a native request sends to the provider, read from its own wire format: prompts,
 * system instructions, tool calls and tool results in the history, inputs to embed. Images,
 * audio and files are not text and pass as they are. Undefined when the body does not have the
 * format's shape (the caller treats it as unreadable).
 */
export function collectNativeRequestTexts(format: NativeRequestFormat, body: unknown): NativeRequestTexts | undefined {
  if (!isObject(body)) return undefined;
  if (format === 'openai-chat') return chatTexts(body);
  const texts: NativeText[] = [];
  const walkers: Record<Exclude<NativeRequestFormat, 'openai-chat'>, (body: JsonObject, texts: NativeText[]) => void> = {
    'openai-responses': responsesTexts,
    'openai-embeddings': openAIEmbeddingTexts,
    'anthropic-messages': anthropicTexts,
    'gemini-contents': geminiContentsTexts,
    'gemini-embed': (request, found) => geminiParts(request.content, 'user', found),
    'gemini-batch-embed': (request, found) => {
      if (Array.isArray(request.requests)) for (const item of request.requests) if (isObject(item)) geminiParts(item.content, 'user', found);
    },
  };
  walkers[format](body, texts);
  const rebuild = () => {
    for (const item of texts) if (item.changed) item.write?.(item.text);
    return body;
  };
  return { texts, rebuild };
}

/** OpenAI chat bodies are the canonical schema: the /v1 slot reader and writer apply as they are. */
function chatTexts(body: JsonObject): NativeRequestTexts | undefined {
  if (!Array.isArray(body.messages) || !body.messages.every(isObject)) return undefined;
  const request = body as unknown as ChatCompletionRequest;
  const slots = collectTextSlots(request).filter((slot) => typeof slot.text === 'string');
  // The legacy `function` role carries a tool's result.
  for (const slot of slots) if ((slot.role as string) === 'function') (slot as { role: MessageRole }).role = 'tool';
  return { texts: slots, rebuild: () => applyTextSlots(request, slots) };
}

/** A text field of `owner`, read as `role`. */
function field(owner: JsonObject | unknown[], key: string | number, role: MessageRole, texts: NativeText[]): void {
  const value = (owner as JsonObject)[key as string];
  if (typeof value !== 'string') return;
  texts.push({ role, text: value, changed: false, write: (text) => ((owner as JsonObject)[key as string] = text) });
}

/** Every string inside a JSON value (tool call arguments given as objects, tool results). */
export function leaves(owner: JsonObject | unknown[], key: string | number, role: MessageRole, texts: NativeText[]): void {
  const value = (owner as JsonObject)[key as string];
  if (typeof value === 'string') field(owner, key, role, texts);
  else if (Array.isArray(value)) value.forEach((_, index) => leaves(value, index, role, texts));
  else if (isObject(value)) for (const name of Object.keys(value)) leaves(value, name, role, texts);
}

/** A string, or a list of parts whose text is at `text` (OpenAI input parts, Anthropic text blocks). */
function textOrParts(owner: JsonObject, key: string, role: MessageRole, texts: NativeText[]): void {
  const value = owner[key];
  if (typeof value === 'string') field(owner, key, role, texts);
  else if (Array.isArray(value)) for (const part of value) if (isObject(part) && typeof part.text === 'string') field(part, 'text', role, texts);
}

function messageRole(role: unknown): MessageRole {
  return role === 'system' || role === 'developer' || role === 'assistant' || role === 'tool' ? role : 'user';
}

/** OpenAI Responses: `instructions`, and `input` as a string or items (messages, function calls and their outputs). */
function responsesTexts(body: JsonObject, texts: NativeText[]): void {
  field(body, 'instructions', 'system', texts);
  if (typeof body.input === 'string') return field(body, 'input', 'user', texts);
  if (!Array.isArray(body.input)) return;
  for (const item of body.input) {
    if (!isObject(item)) continue;
    if (item.type === 'function_call' || item.type === 'custom_tool_call') field(item, item.type === 'function_call' ? 'arguments' : 'input', 'assistant', texts);
    else if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output') textOrParts(item, 'output', 'tool', texts);
    else if (item.type === 'message' || (item.type === undefined && 'role' in item)) textOrParts(item, 'content', messageRole(item.role), texts);
  }
}

function openAIEmbeddingTexts(body: JsonObject, texts: NativeText[]): void {
  if (typeof body.input === 'string') field(body, 'input', 'user', texts);
  else if (Array.isArray(body.input)) body.input.forEach((_, index) => field(body.input as unknown[], index, 'user', texts));
}

/** Anthropic Messages: `system`, text blocks, tool calls' input, tool results, plain-text documents. */
function anthropicTexts(body: JsonObject, texts: NativeText[]): void {
  textOrParts(body, 'system', 'system', texts);
  if (!Array.isArray(body.messages)) return;
  for (const message of body.messages) {
    if (!isObject(message)) continue;
    const role: MessageRole = message.role === 'assistant' ? 'assistant' : 'user';
    if (typeof message.content === 'string') {
      field(message, 'content', role, texts);
      continue;
    }
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (!isObject(block)) continue;
      if (block.type === 'text') field(block, 'text', role, texts);
      else if (block.type === 'tool_use') leaves(block, 'input', 'assistant', texts);
      else if (block.type === 'tool_result') textOrParts(block, 'content', 'tool', texts);
      else if (block.type === 'document' && isObject(block.source)) {
        if (block.source.type === 'text') field(block.source, 'data', role, texts);
        else if (block.source.type === 'content') textOrParts(block.source, 'content', role, texts);
      }
      // Thinking blocks are signed by the provider: rewriting them would invalidate the turn.
    }
  }
}

/**
 * Gemini generateContent, streamGenerateContent and countTokens: `contents` and the system
 * instruction. Google's JSON accepts both lowerCamelCase and snake_case names; both are read.
 */
function geminiContentsTexts(body: JsonObject, texts: NativeText[]): void {
  const nested = body.generateContentRequest ?? body.generate_content_request;
  if (isObject(nested)) geminiContentsTexts(nested, texts);
  geminiParts(body.systemInstruction ?? body.system_instruction, 'system', texts);
  if (!Array.isArray(body.contents)) return;
  for (const content of body.contents) {
    if (isObject(content)) geminiParts(content, content.role === 'model' ? 'assistant' : 'user', texts);
  }
}

function geminiParts(content: unknown, role: MessageRole, texts: NativeText[]): void {
  if (!isObject(content) || !Array.isArray(content.parts)) return;
  for (const part of content.parts) {
    if (!isObject(part)) continue;
    field(part, 'text', role, texts);
    for (const name of ['functionCall', 'function_call']) if (isObject(part[name])) leaves(part[name] as JsonObject, 'args', 'assistant', texts);
    for (const name of ['functionResponse', 'function_response']) if (isObject(part[name])) leaves(part[name] as JsonObject, 'response', 'tool', texts);
  }
}
