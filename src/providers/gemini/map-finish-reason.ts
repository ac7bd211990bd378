import type { FinishReason } from '../../schema/chat-completion-response.js';
import type { GeminiFinishReason } from './wire-types.js';

/** Finish reasons that mean "a filter cut or blocked the output". */
const contentFilterReasons = new Set<string>([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
]);

/**
 * Maps a Gemini finish reason to OpenAI's. Gemini reports `STOP` even when the candidate ends in
 * function calls (there is no tool-specific reason), so the caller says whether it saw any and
 * OpenAI clients get the `tool_calls` they expect.
 */
export function mapFinishReason(reason: GeminiFinishReason | undefined, hasFunctionCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && contentFilterReasons.has(reason)) return 'content_filter';
  // STOP, unspecified and the rest (LANGUAGE, OTHER, MALFORMED_FUNCTION_CALL, …) have no OpenAI
  // counterpart; the raw reason is kept under the choice's `gemini` key by the converters.
  return hasFunctionCalls ? 'tool_calls' : 'stop';
}
