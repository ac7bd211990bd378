import type { ChatCompletionChunk, FinishReason, Usage } from '../schema/chat-completion-response.js';
import { anthropicUsage, messageId, stopReasonOf, type AnthropicExtras } from './convert-completion-to-message.js';

/** One Anthropic stream event: its `event:` name and its `data:` payload (which repeats the name as `type`). */
export interface AnthropicStreamEvent {
  type: string;
  [key: string]: unknown;
}

type OpenBlock = { kind: 'text' } | { kind: 'thinking' } | { kind: 'tool'; toolIndex: number };

/**
 * Canonical chunks → Anthropic stream events, as Anthropic itself sends them: `message_start`,
 * then per content block `content_block_start` / `content_block_delta`… / `content_block_stop`,
 * then `message_delta` (stop reason and the final usage, which Anthropic's SDK takes as totals)
 * and `message_stop`. Blocks never interleave: a new kind of delta closes the open block.
 * The input token count is only known at the end of an OpenAI-format stream, so `message_start`
 * reports 0 and `message_delta` the real figure.
 */
export async function* convertChunksToEvents(chunks: AsyncIterable<ChatCompletionChunk>, requestedModel: string): AsyncGenerator<AnthropicStreamEvent> {
  let started = false;
  let open: OpenBlock | undefined;
  let blockIndex = -1;
  let finishReason: FinishReason | null = null;
  let usage: Usage | null | undefined;
  let stopSequence: string | null = null;
  const toolBlocks = new Map<number, number>();

  function* closeBlock(): Generator<AnthropicStreamEvent> {
    if (open) yield { type: 'content_block_stop', index: blockIndex };
    open = undefined;
  }
  function* openBlock(block: OpenBlock, contentBlock: Record<string, unknown>): Generator<AnthropicStreamEvent> {
    yield* closeBlock();
    blockIndex += 1;
    open = block;
    yield { type: 'content_block_start', index: blockIndex, content_block: contentBlock };
  }

  for await (const chunk of chunks) {
    if (!started) {
      started = true;
      yield {
        type: 'message_start',
        message: { id: messageId(chunk.id), type: 'message', role: 'assistant', model: chunk.model || requestedModel, content: [], stop_reason: null, stop_sequence: null, usage: anthropicUsage(undefined) },
      };
    }
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const { delta } = choice;
    const extras = delta.anthropic as (AnthropicExtras & { thinking_blocks?: unknown }) | undefined;
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
      if (open?.kind !== 'thinking') yield* openBlock({ kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' });
      yield { type: 'content_block_delta', index: blockIndex, delta: { type: 'thinking_delta', thinking: delta.reasoning_content } };
    }
    for (const block of extras?.thinking_blocks ?? []) {
      // The Anthropic adapter reports a finished thinking block with its signature.
      if (block.type === 'thinking' && open?.kind === 'thinking') {
        yield { type: 'content_block_delta', index: blockIndex, delta: { type: 'signature_delta', signature: block.signature } };
      } else if (block.type === 'redacted_thinking') {
        yield* openBlock({ kind: 'thinking' }, { type: 'redacted_thinking', data: block.data });
      }
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      if (open?.kind !== 'text') yield* openBlock({ kind: 'text' }, { type: 'text', text: '' });
      yield { type: 'content_block_delta', index: blockIndex, delta: { type: 'text_delta', text: delta.content } };
    }
    for (const call of delta.tool_calls ?? []) {
      if (!toolBlocks.has(call.index)) {
        yield* openBlock({ kind: 'tool', toolIndex: call.index }, { type: 'tool_use', id: call.id ?? `toolu_${call.index}`, name: call.function?.name ?? '', input: {} });
        toolBlocks.set(call.index, blockIndex);
      }
      const fragment = call.function?.arguments;
      if (fragment) yield { type: 'content_block_delta', index: toolBlocks.get(call.index)!, delta: { type: 'input_json_delta', partial_json: fragment } };
    }
    if (typeof extras?.stop_sequence === 'string') stopSequence = extras.stop_sequence;
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  if (!started) return;
  yield* closeBlock();
  const stopReason = stopReasonOf(finishReason, stopSequence);
  yield {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: stopReason === 'stop_sequence' ? stopSequence : null },
    usage: anthropicUsage(usage),
  };
  yield { type: 'message_stop' };
}
