import { ProviderResponseError, UpstreamUnavailableError } from '../../errors/gateway-errors.js';
import type { ServerSentEvent } from '../../http/parse-server-sent-events.js';
import type { ChatCompletionChunk, ChatCompletionChunkChoice, FinishReason } from '../../schema/chat-completion-response.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage, mergeUsage, type AnthropicUsageCounts } from './map-usage.js';
import type { ContentBlock, ContentBlockDelta, ErrorObject, MessageDeltaEvent, StreamEvent } from './wire-types.js';

export interface ConvertStreamOptions {
  /** Provider name, for error messages. */
  provider: string;
  /** The JSON-mode tool (see convert-tools.ts): its input streams as content, not tool calls. */
  jsonResponseToolName?: string;
  /** Seconds since the epoch; Anthropic sends no creation time. */
  now?: () => number;
}

/** What one open content block (by Anthropic's block index) turns into. */
type BlockState =
  | { kind: 'text' }
  | { kind: 'tool'; toolIndex: number; argumentsSent: boolean }
  | { kind: 'json'; sent: boolean }
  | { kind: 'thinking'; text: string; signature: string }
  | { kind: 'redacted'; data: string }
  | { kind: 'ignored' };

/** Anthropic error types → the HTTP status the same error has outside a stream (docs: api/errors). */
const statusByErrorType: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** An `event: error` after the 200, e.g. `overloaded_error`: thrown from the iterator. */
export function streamErrorFrom(provider: string, error: ErrorObject | undefined, rawData: string): ProviderResponseError {
  const type = typeof error?.type === 'string' ? error.type : 'api_error';
  const message = typeof error?.message === 'string' ? error.message : `stream failed with ${type}`;
  return new ProviderResponseError(provider, statusByErrorType[type] ?? 500, message, { type, upstreamBody: rawData });
}

/**
 * Anthropic SSE events → canonical chunks. Sequence: a role chunk at `message_start`; text,
 * tool-call and reasoning deltas; a `finish_reason` chunk at `message_delta`; finally, always, a
 * usage chunk with `choices: []` (the gateway strips it when the client did not ask for usage).
 * Tool calls are numbered by tool call, not by Anthropic's content block index (text and
 * thinking blocks also take block indexes). Thinking text streams as `delta.reasoning_content`;
 * each finished thinking block, with its signature, is sent once as
 * `delta.anthropic.thinking_blocks` so a client can replay it (same shape as convert-response).
 */
export async function* convertStream(events: AsyncIterable<ServerSentEvent>, options: ConvertStreamOptions): AsyncGenerator<ChatCompletionChunk> {
  const { provider } = options;
  let id = '';
  let model = '';
  const created = options.now ? options.now() : Math.floor(Date.now() / 1000);
  let usage: AnthropicUsageCounts = {};
  let toolCount = 0;
  let finished = false;
  let sawMessageDelta = false;
  const blocks = new Map<number, BlockState>();

  const chunk = (delta: ChatCompletionChunkChoice['delta'], finishReason: FinishReason | null = null): ChatCompletionChunk => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  });

  for await (const event of events) {
    let payload: StreamEvent;
    try {
      payload = JSON.parse(event.data) as StreamEvent;
    } catch {
      throw new UpstreamUnavailableError(provider, `the stream sent an event that is not JSON (event: ${event.event ?? 'none'})`);
    }
    const type = (payload as { type?: string }).type ?? event.event;

    if (type === 'message_start' && payload.type === 'message_start') {
      id = payload.message.id;
      model = payload.message.model;
      usage = { ...payload.message.usage };
      yield chunk({ role: 'assistant', content: '' });
    } else if (type === 'content_block_start' && payload.type === 'content_block_start') {
      const started = startBlock(payload.content_block);
      blocks.set(payload.index, started.state);
      if (started.delta) yield chunk(started.delta);
    } else if (type === 'content_block_delta' && payload.type === 'content_block_delta') {
      const state = blocks.get(payload.index) ?? { kind: 'text' };
      const delta = applyDelta(state, payload.delta);
      if (delta) yield chunk(delta);
    } else if (type === 'content_block_stop' && payload.type === 'content_block_stop') {
      const state = blocks.get(payload.index);
      blocks.delete(payload.index);
      const delta = state ? stopBlock(state) : undefined;
      if (delta) yield chunk(delta);
    } else if (type === 'message_delta' && payload.type === 'message_delta') {
      sawMessageDelta = true;
      if (payload.usage) usage = mergeUsage(usage, payload.usage);
      const { delta, finishReason } = finishFrom(payload);
      yield chunk(delta, finishReason);
    } else if (type === 'message_stop') {
      finished = true;
      break;
    } else if (type === 'error') {
      throw streamErrorFrom(provider, (payload as { error?: ErrorObject }).error, event.data);
    }
    // `ping` and event types added later by Anthropic (see its versioning policy) are ignored.
  }

  if (!sawMessageDelta) {
    if (!finished) throw new UpstreamUnavailableError(provider, 'the stream ended before message_stop');
    yield chunk({}, 'stop');
  }
  yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: mapUsage(usage) };

  function startBlock(block: ContentBlock): { state: BlockState; delta?: ChatCompletionChunkChoice['delta'] } {
    switch (block.type) {
      case 'text': {
        const text = (block as { text?: string }).text ?? '';
        return { state: { kind: 'text' }, ...(text ? { delta: { content: text } } : {}) };
      }
      case 'tool_use': {
        const { id: callId, name, input } = block as { id: string; name: string; input?: unknown };
        // A complete input in the start event (some compatible servers) is sent at once.
        const initial = input && typeof input === 'object' && Object.keys(input).length > 0 ? JSON.stringify(input) : '';
        if (name === options.jsonResponseToolName) {
          return { state: { kind: 'json', sent: initial !== '' }, ...(initial ? { delta: { content: initial } } : {}) };
        }
        const toolIndex = toolCount++;
        return {
          state: { kind: 'tool', toolIndex, argumentsSent: initial !== '' },
          delta: { tool_calls: [{ index: toolIndex, id: callId, type: 'function', function: { name, arguments: initial } }] },
        };
      }
      case 'thinking': {
        const { thinking = '', signature = '' } = block as { thinking?: string; signature?: string };
        return { state: { kind: 'thinking', text: thinking, signature }, ...(thinking ? { delta: { reasoning_content: thinking } } : {}) };
      }
      case 'redacted_thinking':
        return { state: { kind: 'redacted', data: (block as { data?: string }).data ?? '' } };
      default:
        // server_tool_use and *_tool_result blocks ran at Anthropic: not client tool calls.
        return { state: { kind: 'ignored' } };
    }
  }

  function applyDelta(state: BlockState, delta: ContentBlockDelta): ChatCompletionChunkChoice['delta'] | undefined {
    switch (delta.type) {
      case 'text_delta':
        return state.kind === 'ignored' || delta.text === '' ? undefined : { content: delta.text };
      case 'input_json_delta':
        // The first fragment is often "" (and is all a tool without arguments sends).
        if (delta.partial_json === '') return undefined;
        if (state.kind === 'json') {
          state.sent = true;
          return { content: delta.partial_json };
        }
        if (state.kind !== 'tool') return undefined;
        state.argumentsSent = true;
        return { tool_calls: [{ index: state.toolIndex, function: { arguments: delta.partial_json } }] };
      case 'thinking_delta':
        if (state.kind !== 'thinking' || delta.thinking === '') return undefined;
        state.text += delta.thinking;
        return { reasoning_content: delta.thinking };
      case 'signature_delta':
        if (state.kind === 'thinking') state.signature = delta.signature;
        return undefined;
      default:
        return undefined;
    }
  }

  function stopBlock(state: BlockState): ChatCompletionChunkChoice['delta'] | undefined {
    switch (state.kind) {
      case 'tool':
        // Same arguments as the non-streaming `JSON.stringify(input)` of an empty input.
        return state.argumentsSent ? undefined : { tool_calls: [{ index: state.toolIndex, function: { arguments: '{}' } }] };
      case 'json':
        return state.sent ? undefined : { content: '{}' };
      case 'thinking':
        return { anthropic: { thinking_blocks: [{ type: 'thinking', thinking: state.text, signature: state.signature }] } };
      case 'redacted':
        return { anthropic: { thinking_blocks: [{ type: 'redacted_thinking', data: state.data }] } };
      default:
        return undefined;
    }
  }

  function finishFrom(event: MessageDeltaEvent): { delta: ChatCompletionChunkChoice['delta']; finishReason: FinishReason | null } {
    let finishReason = mapFinishReason(event.delta?.stop_reason);
    // The forced JSON tool ends the turn with tool_use, but for the client it is an answer.
    if (finishReason === 'tool_calls' && toolCount === 0) finishReason = 'stop';
    const extras: Record<string, unknown> = {};
    if (event.delta?.stop_details) extras.stop_details = event.delta.stop_details;
    if (event.delta?.stop_sequence) extras.stop_sequence = event.delta.stop_sequence;
    const explanation = event.delta?.stop_reason === 'refusal' ? event.delta.stop_details?.explanation : undefined;
    return {
      delta: {
        ...(typeof explanation === 'string' ? { refusal: explanation } : {}),
        ...(Object.keys(extras).length > 0 ? { anthropic: extras } : {}),
      },
      finishReason,
    };
  }
}
