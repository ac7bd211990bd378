import { leaves, type NativeText } from './native-request-texts.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The generated texts of a whole Anthropic Message: text blocks and tool calls' input. Thinking
 * blocks are left out: they are signed, and a rewritten one would be refused when replayed.
 * Undefined when the body is not a Message.
 */
export function anthropicAnswerTexts(body: unknown): NativeText[] | undefined {
  if (!isObject(body) || !Array.isArray(body.content)) return undefined;
  const texts: NativeText[] = [];
  for (const block of body.content) {
    if (!isObject(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') {
      texts.push({ role: 'assistant', text: block.text, changed: false, write: (text) => (block.text = text) });
    } else if (block.type === 'tool_use') leaves(block, 'input', 'assistant', texts);
  }
  return texts;
}

/** The generated texts of a Gemini GenerateContentResponse: each candidate's text parts and function call arguments. */
export function geminiAnswerTexts(body: unknown): NativeText[] | undefined {
  if (!isObject(body)) return undefined;
  // A prompt blocked by Google's own filters comes back without candidates.
  if (body.candidates === undefined) return [];
  if (!Array.isArray(body.candidates)) return undefined;
  const texts: NativeText[] = [];
  for (const candidate of body.candidates) {
    if (!isObject(candidate) || !isObject(candidate.content) || !Array.isArray(candidate.content.parts)) continue;
    for (const part of candidate.content.parts) {
      if (!isObject(part)) continue;
      if (typeof part.text === 'string') texts.push({ role: 'assistant', text: part.text, changed: false, write: (text) => (part.text = text) });
      for (const name of ['functionCall', 'function_call']) if (isObject(part[name])) leaves(part[name] as JsonObject, 'args', 'assistant', texts);
    }
  }
  return texts;
}

/** Puts rewritten texts back into the parsed body; true when something changed. */
export function writeBackTexts(texts: readonly NativeText[]): boolean {
  let changed = false;
  for (const item of texts) {
    if (!item.changed) continue;
    item.write?.(item.text);
    changed = true;
  }
  return changed;
}
