import type { ServerSentEvent } from '../../http/parse-server-sent-events.js';
import type { RequestContext } from '../../pipeline/request-context.js';
import type { ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import { guardChatStream } from '../stream/guard-chat-stream.js';
import type { NativeAnswerPlan } from './native-answer-plan.js';
import { leaves, type NativeText } from './native-request-texts.js';
import { sseFrame, type NativeFrame, type TextChannels } from './native-text-channels.js';

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/**
 * OpenAI chat streams are canonical chunks: the /v1 stream guard runs on them as it is. An event
 * that is not a chunk (an upstream error) ends the guarded part and is passed on after it.
 */
export async function* openAIChatFrames(context: RequestContext, events: AsyncIterable<ServerSentEvent>, plan: NativeAnswerPlan): AsyncGenerator<string> {
  const leftovers: ServerSentEvent[] = [];
  let done = false;
  async function* chunks(): AsyncGenerator<ChatCompletionChunk> {
    for await (const event of events) {
      if (event.data === '[DONE]') {
        done = true;
        return;
      }
      const chunk = parseData(event.data);
      if (!isObject(chunk) || !Array.isArray(chunk.choices)) {
        leftovers.push(event);
        return;
      }
      yield chunk as unknown as ChatCompletionChunk;
    }
  }
  for await (const chunk of guardChatStream(context, chunks(), plan.policies, plan.state)) yield `data: ${JSON.stringify(chunk)}\n\n`;
  for (const event of leftovers) yield sseFrame(event.event, event.data);
  if (done) yield 'data: [DONE]\n\n';
}

/** The field of each Anthropic delta type that carries text. */
const anthropicDeltaFields: Record<string, string> = { text_delta: 'text', input_json_delta: 'partial_json', thinking_delta: 'thinking' };

/**
 * Anthropic Messages streams: each content block's text, tool input JSON and thinking is one
 * channel. A delta whose text is all held back is not sent; what a block still holds goes out as
 * one more delta just before its `content_block_stop`.
 */
export async function* anthropicFrames(events: AsyncIterable<ServerSentEvent>, channels: TextChannels): AsyncGenerator<NativeFrame> {
  const releaseBlocks = function* (prefix: string): Generator<NativeFrame> {
    for (const [key, text] of channels.flush(prefix)) {
      const [index, type] = key.split(':');
      const data = { type: 'content_block_delta', index: Number(index), delta: { type, [anthropicDeltaFields[type]]: text } };
      yield { frame: sseFrame('content_block_delta', JSON.stringify(data)), final: false };
    }
  };
  for await (const event of events) {
    const data = parseData(event.data);
    if (!isObject(data)) {
      yield { frame: sseFrame(event.event, event.data), final: false };
      continue;
    }
    if (data.type === 'content_block_start' && isObject(data.content_block) && data.content_block.type === 'text' && typeof data.content_block.text === 'string' && data.content_block.text !== '') {
      data.content_block.text = channels.push(`${data.index}:text_delta`, data.content_block.text);
    } else if (data.type === 'content_block_delta' && isObject(data.delta)) {
      const type = String(data.delta.type);
      const field = anthropicDeltaFields[type];
      // An empty piece (a tool without arguments sends "") goes out as it came.
      if (field && typeof data.delta[field] === 'string' && data.delta[field] !== '') {
        data.delta[field] = channels.push(`${data.index}:${type}`, data.delta[field] as string, type === 'text_delta');
        if (data.delta[field] === '') continue;
      }
    } else if (data.type === 'content_block_stop') {
      yield* releaseBlocks(`${data.index}:`);
    } else if (data.type === 'message_delta') {
      // A stream that ended its blocks without their stop events still gets what they hold.
      yield* releaseBlocks('');
    }
    const final = data.type === 'message_delta' || data.type === 'message_stop';
    yield { frame: sseFrame(event.event, JSON.stringify(data)), final };
  }
}

/**
 * Gemini streams (`alt=sse`): every event is a whole GenerateContentResponse; each candidate's
 * text is one channel (its thoughts another). Function calls arrive whole and are checked whole.
 * What a candidate still holds is appended to the event carrying its `finishReason`.
 */
export async function* geminiFrames(events: AsyncIterable<ServerSentEvent>, channels: TextChannels): AsyncGenerator<NativeFrame> {
  for await (const event of events) {
    const data = parseData(event.data);
    if (!isObject(data) || !Array.isArray(data.candidates)) {
      yield { frame: sseFrame(event.event, event.data), final: false };
      continue;
    }
    let final = false;
    data.candidates.forEach((candidate: unknown, position) => {
      if (!isObject(candidate)) return;
      const index = typeof candidate.index === 'number' ? candidate.index : position;
      const content = isObject(candidate.content) ? candidate.content : undefined;
      const parts = content && Array.isArray(content.parts) ? (content.parts as unknown[]) : [];
      const whole: NativeText[] = [];
      for (const part of parts) {
        if (!isObject(part)) continue;
        if (typeof part.text === 'string' && part.text !== '') part.text = channels.push(`${index}:${part.thought === true ? 'thought' : 'text'}`, part.text, part.thought !== true);
        for (const name of ['functionCall', 'function_call']) if (isObject(part[name])) leaves(part[name] as JsonObject, 'args', 'assistant', whole);
      }
      if (whole.length > 0) channels.checkWhole(whole);
      if (!candidate.finishReason) return;
      final = true;
      const rest = channels.flush(`${index}:`);
      if (rest.length === 0) return;
      const added = rest.map(([key, text]) => (key.endsWith(':thought') ? { text, thought: true } : { text }));
      if (content) content.parts = [...parts, ...added];
      else candidate.content = { role: 'model', parts: added };
    });
    yield { frame: sseFrame(event.event, JSON.stringify(data)), final };
  }
  // The upstream ended without finish reasons: one more event with whatever is still held.
  const rest = channels.flush('');
  if (rest.length > 0) {
    const candidates = new Map<string, Array<{ text: string; thought?: boolean }>>();
    for (const [key, text] of rest) {
      const [index, kind] = key.split(':');
      candidates.set(index, [...(candidates.get(index) ?? []), kind === 'thought' ? { text, thought: true } : { text }]);
    }
    const data = { candidates: [...candidates].map(([index, parts]) => ({ index: Number(index), content: { role: 'model', parts } })) };
    yield { frame: sseFrame(undefined, JSON.stringify(data)), final: false };
  }
}
