import type { RequestContext } from '../../pipeline/request-context.js';
import type { ChatCompletionChunk, ChatCompletionChunkChoice, ToolCallDelta } from '../../schema/chat-completion-response.js';
import type { GuardrailPolicy, GuardrailState } from '../guardrail-policy.js';
import { GuardrailBlockedError } from '../guardrail-verdicts.js';
import { runClassifierPolicies } from '../run-guardrail-checks.js';
import { EntityTally } from './entity-tally.js';
import { StreamTextGuard } from './stream-text-guard.js';

/** Text kept per choice for whole-answer policies (moderation, judge) run when the stream ends. */
const maximumCollectedChars = 256 * 1024;

/**
 * Wraps a stream of canonical chunks: every text channel (a choice's content and refusal, each
 * tool call's arguments) goes through its own StreamTextGuard, so redaction happens in flight and
 * only the hold window is delayed. A block is thrown from the iterator, which the stream writer
 * turns into an error event in the client's format. Whole-answer policies run at the end, with
 * the final chunks (finish reasons, usage) held until they pass.
 */
export async function* guardChatStream(
  context: RequestContext,
  chunks: AsyncIterable<ChatCompletionChunk>,
  policies: readonly GuardrailPolicy[],
  state: GuardrailState,
): AsyncGenerator<ChatCompletionChunk> {
  const scanners = policies.filter((policy) => policy.scanner);
  const classifiers = policies.filter((policy) => policy.classify);
  const tally = new EntityTally();
  const channels = new Map<string, StreamTextGuard>();
  const channel = (key: string) => {
    let guard = channels.get(key);
    if (!guard) {
      guard = new StreamTextGuard(scanners, state.vault, tally);
      channels.set(key, guard);
    }
    return guard;
  };
  const collected = new Map<number, string>();
  const collect = (choice: number, text: string) => {
    if (classifiers.length === 0) return;
    const sofar = collected.get(choice) ?? '';
    if (sofar.length < maximumCollectedChars) collected.set(choice, sofar + text);
  };
  const heldBack: ChatCompletionChunk[] = [];
  let last: ChatCompletionChunk | undefined;
  try {
    for await (const chunk of chunks) {
      last = chunk;
      const rewritten = rewriteChunk(chunk, channel, channels, collect);
      if (!rewritten) continue;
      const final = rewritten.choices.length === 0 || rewritten.choices.some((choice) => choice.finish_reason);
      if (classifiers.length > 0 && (heldBack.length > 0 || final)) heldBack.push(rewritten);
      else yield rewritten;
    }
    const rest = last ? flushRemaining(last, channels) : undefined;
    if (rest) yield rest;
    if (classifiers.length > 0) {
      const verdicts = await runClassifierPolicies(context, classifiers, () => [...collected.values()].filter((text) => text !== ''), 'response');
      state.verdicts.push(...verdicts);
      const blocked = verdicts.find((verdict) => verdict.outcome === 'blocked');
      if (blocked) throw new GuardrailBlockedError(blocked);
    }
    for (const chunk of heldBack) yield chunk;
  } finally {
    // Recorded however the stream ends (done, blocked, client gone), for the request log.
    state.verdicts.push(...tally.verdicts());
  }
}

type ChannelOf = (key: string) => StreamTextGuard;

/** The chunk with its texts passed through their channels; undefined when nothing is left to send. */
function rewriteChunk(chunk: ChatCompletionChunk, channel: ChannelOf, channels: Map<string, StreamTextGuard>, collect: (choice: number, text: string) => void): ChatCompletionChunk | undefined {
  if (chunk.choices.length === 0) return chunk;
  let meaningful = chunk.usage !== undefined && chunk.usage !== null;
  const choices = chunk.choices.map((choice) => {
    const delta = { ...choice.delta };
    if (typeof delta.content === 'string' && delta.content !== '') {
      collect(choice.index, delta.content);
      delta.content = channel(`${choice.index}:content`).push(delta.content);
    }
    if (typeof delta.refusal === 'string' && delta.refusal !== '') delta.refusal = channel(`${choice.index}:refusal`).push(delta.refusal);
    if (delta.tool_calls) {
      delta.tool_calls = delta.tool_calls.map((call) => {
        const argumentsText = call.function?.arguments;
        if (!argumentsText) return call;
        return { ...call, function: { ...call.function, arguments: channel(`${choice.index}:tool:${call.index}`).push(argumentsText) } };
      });
    }
    if (choice.finish_reason) flushChoice(choice.index, delta, channels);
    const rewritten: ChatCompletionChunkChoice = { ...choice, delta };
    if (choice.finish_reason || carriesSomething(delta)) meaningful = true;
    return rewritten;
  });
  return meaningful ? { ...chunk, choices } : undefined;
}

/** A choice ended: what its channels still hold goes out with the chunk that ends it. */
function flushChoice(index: number, delta: ChatCompletionChunkChoice['delta'], channels: Map<string, StreamTextGuard>): void {
  for (const [key, guard] of channels) {
    const [choice, kind, tool] = key.split(':');
    if (Number(choice) !== index) continue;
    const text = guard.flush();
    channels.delete(key);
    if (text === '') continue;
    if (kind === 'content') delta.content = text + (delta.content ?? '');
    else if (kind === 'refusal') delta.refusal = text + (delta.refusal ?? '');
    else {
      const calls: ToolCallDelta[] = [...(delta.tool_calls ?? [])];
      calls.push({ index: Number(tool), function: { arguments: text } });
      delta.tool_calls = calls;
    }
  }
}

/** The upstream ended without finish reasons: one last chunk with whatever is still held. */
function flushRemaining(last: ChatCompletionChunk, channels: Map<string, StreamTextGuard>): ChatCompletionChunk | undefined {
  const indexes = new Set([...channels.keys()].map((key) => Number(key.split(':')[0])));
  const choices: ChatCompletionChunkChoice[] = [];
  for (const index of indexes) {
    const delta: ChatCompletionChunkChoice['delta'] = {};
    flushChoice(index, delta, channels);
    if (carriesSomething(delta)) choices.push({ index, delta, finish_reason: null });
  }
  if (choices.length === 0) return undefined;
  return { id: last.id, object: 'chat.completion.chunk', created: last.created, model: last.model, choices };
}

/** A delta whose only fields are texts emptied by the hold has nothing to send. */
function carriesSomething(delta: ChatCompletionChunkChoice['delta']): boolean {
  for (const [key, value] of Object.entries(delta)) {
    if (value === undefined || value === null) continue;
    if ((key === 'content' || key === 'refusal') && value === '') continue;
    if (key === 'tool_calls' && Array.isArray(value) && value.every((call: ToolCallDelta) => call.id === undefined && call.function?.name === undefined && !call.function?.arguments)) continue;
    return true;
  }
  return false;
}
