import type { ChatCompletion, ChatCompletionChoice, ChatCompletionChunk, ToolCall } from '../schema/chat-completion-response.js';
import { chatChunkFrame, chatStreamEnd } from '../server/write-chat-stream.js';

/**
 * Rebuilds the complete answer from its stream chunks, so a streamed miss can later be served
 * as JSON. Returns undefined when the stream did not finish every choice (not worth storing).
 */
export function completionFromChunks(chunks: readonly ChatCompletionChunk[]): ChatCompletion | undefined {
  const first = chunks[0];
  if (!first) return undefined;
  const choices = new Map<number, ChatCompletionChoice & { tools: Map<number, ToolCall> }>();
  let usage: ChatCompletion['usage'];
  for (const chunk of chunks) {
    if (chunk.usage) usage = chunk.usage;
    for (const delta of chunk.choices) {
      let choice = choices.get(delta.index);
      if (!choice) {
        choice = { index: delta.index, message: { role: 'assistant', content: null }, finish_reason: null, logprobs: null, tools: new Map() };
        choices.set(delta.index, choice);
      }
      const { content, refusal, tool_calls: toolCalls } = delta.delta;
      if (typeof content === 'string') choice.message.content = (choice.message.content ?? '') + content;
      if (typeof refusal === 'string') choice.message.refusal = (choice.message.refusal ?? '') + refusal;
      for (const call of toolCalls ?? []) {
        const known = choice.tools.get(call.index) ?? { id: '', type: 'function' as const, function: { name: '', arguments: '' } };
        if (call.id) known.id = call.id;
        if (call.function?.name) known.function.name += call.function.name;
        if (call.function?.arguments) known.function.arguments += call.function.arguments;
        choice.tools.set(call.index, known);
      }
      if (delta.finish_reason) choice.finish_reason = delta.finish_reason;
    }
  }
  const assembled = [...choices.values()].sort((a, b) => a.index - b.index).map(({ tools, ...choice }) => {
    if (tools.size > 0) choice.message.tool_calls = [...tools.entries()].sort(([a], [b]) => a - b).map(([, call]) => call);
    return choice;
  });
  if (assembled.length === 0 || assembled.some((choice) => choice.finish_reason === null)) return undefined;
  const completion: ChatCompletion = { id: first.id, object: 'chat.completion', created: first.created, model: first.model, choices: assembled };
  if (first.system_fingerprint !== undefined) completion.system_fingerprint = first.system_fingerprint as string | null;
  if (usage) completion.usage = usage;
  return completion;
}

/**
 * Replays a stored answer as stream chunks in OpenAI's shapes: a role chunk, the content (and
 * tool calls) in one delta, the finish chunk, then the usage chunk (the writer drops it unless
 * the client asked for it with `stream_options.include_usage`).
 */
export function* chunksFromCompletion(completion: ChatCompletion): Generator<ChatCompletionChunk> {
  const base = { id: completion.id, object: 'chat.completion.chunk' as const, created: completion.created, model: completion.model };
  const extra = completion.system_fingerprint !== undefined ? { system_fingerprint: completion.system_fingerprint } : {};
  for (const choice of completion.choices) {
    const { content, refusal, tool_calls: toolCalls } = choice.message;
    const logprobs = choice.logprobs ?? null;
    yield { ...base, ...extra, choices: [{ index: choice.index, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] };
    const delta: ChatCompletionChunk['choices'][number]['delta'] = {};
    if (typeof content === 'string' && content !== '') delta.content = content;
    if (typeof refusal === 'string' && refusal !== '') delta.refusal = refusal;
    if (toolCalls?.length) delta.tool_calls = toolCalls.map((call, index) => ({ index, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }));
    if (Object.keys(delta).length > 0) yield { ...base, ...extra, choices: [{ index: choice.index, delta, logprobs, finish_reason: null }] };
    yield { ...base, ...extra, choices: [{ index: choice.index, delta: {}, logprobs: null, finish_reason: choice.finish_reason }] };
  }
  if (completion.usage) yield { ...base, ...extra, choices: [], usage: completion.usage };
}

const renderedStreams = new WeakMap<ChatCompletion, { withUsage?: Buffer; withoutUsage?: Buffer }>();

/** The answer's whole replay as OpenAI SSE bytes, rendered at its first streamed hit and kept with it. */
export function renderedStream(completion: ChatCompletion, includeUsage: boolean): Buffer {
  let rendered = renderedStreams.get(completion);
  if (!rendered) renderedStreams.set(completion, (rendered = {}));
  const which = includeUsage ? 'withUsage' : 'withoutUsage';
  let bytes = rendered[which];
  if (bytes === undefined) {
    let text = '';
    for (const chunk of chunksFromCompletion(completion)) text += chatChunkFrame(chunk, includeUsage) ?? '';
    rendered[which] = bytes = Buffer.from(text + chatStreamEnd);
  }
  return bytes;
}

/** Only answers that ended on their own are worth repeating (not cut off by a filter or an error). */
export function isCacheable(completion: ChatCompletion): boolean {
  return completion.choices.length > 0 && completion.choices.every((choice) => choice.finish_reason !== null && choice.finish_reason !== 'content_filter');
}
