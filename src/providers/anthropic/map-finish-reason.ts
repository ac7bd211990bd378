import type { FinishReason } from '../../schema/chat-completion-response.js';

/**
 * Anthropic `stop_reason` → OpenAI `finish_reason`.
 * - `pause_turn` (a server tool paused a long turn) has no OpenAI equivalent; the turn did end
 *   normally from the client's point of view, so it is `stop`.
 * - `model_context_window_exceeded` is a length limit like `max_tokens`.
 * - A reason added by Anthropic later falls back to `stop` rather than failing the response.
 */
export function mapFinishReason(stopReason: string | null | undefined): FinishReason | null {
  switch (stopReason) {
    case null:
    case undefined:
      return null;
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
