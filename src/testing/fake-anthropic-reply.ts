/**
 * What the fake Anthropic API answers: a deterministic message derived from the request, as a
 * whole Message body or as the SSE event sequence the real API streams (message_start,
 * content_block_start, ping, content_block_delta…, content_block_stop, message_delta,
 * message_stop), so the same request gives the same answer both ways.
 *
 * Rules: the reply text is `Echo: <text of the last user turn>`. A tool is called when
 * tool_choice forces it (`tool`, or `any` → the first tool or the one the text names), or, with
 * `auto`, when the last user text names a tool (every named tool, unless parallel tool use is
 * disabled). stop_sequences and max_tokens (counted in words) cut the text as the real API does.
 */

type Json = Record<string, unknown>;

export type PlannedBlock = { type: 'text'; text: string } | { type: 'tool_use'; id: string; name: string; input: Json };

export interface PlannedReply {
  id: string;
  model: string;
  blocks: PlannedBlock[];
  stopReason: 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use';
  stopSequence: string | null;
  inputTokens: number;
  outputTokens: number;
}

export interface SseEvent {
  event: string;
  data: Json;
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

function textsOf(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.flatMap((block: Json) => {
    if (block?.type === 'text' && typeof block.text === 'string') return [block.text];
    if (block?.type === 'tool_result') return textsOf(block.content);
    return [];
  });
}

/** A value matching a JSON schema, the same every time (first enum value, 42, "sample-<key>"). */
export function sampleFromSchema(schema: unknown, key = 'value'): unknown {
  const node = (schema ?? {}) as Json;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type) {
    case 'object': {
      const properties = (node.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, sampleFromSchema(child, name)]));
    }
    case 'array':
      return [sampleFromSchema(node.items, key)];
    case 'integer':
    case 'number':
      return 42;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return `sample-${key}`;
  }
}

function chooseTools(request: Json, lastText: string): Json[] {
  const tools = (Array.isArray(request.tools) ? request.tools : []).filter((tool: Json) => typeof tool?.name === 'string') as Json[];
  const choice = (request.tool_choice ?? { type: 'auto' }) as Json;
  if (tools.length === 0 || choice.type === 'none') return [];
  const named = tools.filter((tool) => new RegExp(`\\b${String(tool.name).replace(/[^\w]/g, '\\$&')}\\b`).test(lastText));
  const single = choice.disable_parallel_tool_use === true;
  if (choice.type === 'tool') return tools.filter((tool) => tool.name === choice.name).slice(0, 1);
  if (choice.type === 'any') return [named[0] ?? tools[0]];
  return single ? named.slice(0, 1) : named;
}

export function planReply(request: Json, sequence: number): PlannedReply {
  const messages = (request.messages ?? []) as Json[];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const lastText = lastUser ? textsOf(lastUser.content).join(' ') : '';
  const systemTexts = textsOf(request.system);
  const inputTokens = Math.max(1, words([...systemTexts, ...messages.flatMap((message) => textsOf(message.content))].join(' ')).length);
  const id = `msg_fake_${String(sequence).padStart(6, '0')}`;
  const model = String(request.model);

  const tools = chooseTools(request, lastText);
  if (tools.length > 0) {
    const forced = (request.tool_choice as Json | undefined)?.type === 'tool' || (request.tool_choice as Json | undefined)?.type === 'any';
    const blocks: PlannedBlock[] = forced ? [] : [{ type: 'text', text: `Calling ${tools.map((tool) => tool.name).join(' and ')}.` }];
    tools.forEach((tool, index) => {
      blocks.push({ type: 'tool_use', id: `toolu_fake_${sequence}_${index}`, name: String(tool.name), input: sampleFromSchema(tool.input_schema) as Json });
    });
    const outputTokens = blocks.reduce((sum, block) => sum + (block.type === 'text' ? words(block.text).length : Math.ceil(JSON.stringify(block.input).length / 4)), 0);
    return { id, model, blocks, stopReason: 'tool_use', stopSequence: null, inputTokens, outputTokens: Math.max(1, outputTokens) };
  }

  let text = `Echo: ${lastText}`;
  let stopReason: PlannedReply['stopReason'] = 'end_turn';
  let stopSequence: string | null = null;
  for (const sequenceText of Array.isArray(request.stop_sequences) ? (request.stop_sequences as string[]) : []) {
    const at = text.indexOf(sequenceText);
    if (sequenceText !== '' && at !== -1 && (stopSequence === null || at < text.indexOf(stopSequence))) {
      stopSequence = sequenceText;
    }
  }
  if (stopSequence !== null) {
    text = text.slice(0, text.indexOf(stopSequence));
    stopReason = 'stop_sequence';
  }
  const maxTokens = typeof request.max_tokens === 'number' ? request.max_tokens : Infinity;
  if (words(text).length > maxTokens) {
    text = words(text).slice(0, maxTokens).join(' ');
    stopReason = 'max_tokens';
    stopSequence = null;
  }
  const blocks: PlannedBlock[] = text === '' ? [] : [{ type: 'text', text }];
  return { id, model, blocks, stopReason, stopSequence, inputTokens, outputTokens: Math.max(1, words(text).length) };
}

function usageOf(reply: PlannedReply, outputTokens: number): Json {
  return { input_tokens: reply.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokens };
}

/** The whole Message body of a non-streaming answer. */
export function messageBody(reply: PlannedReply): Json {
  return {
    id: reply.id,
    type: 'message',
    role: 'assistant',
    model: reply.model,
    content: reply.blocks.map((block) => (block.type === 'text' ? { type: 'text', text: block.text } : { ...block })),
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    usage: { ...usageOf(reply, reply.outputTokens), service_tier: 'standard' },
  };
}

/** Splits a string into pieces of at most `size` characters (at least one piece). */
function pieces(text: string, size: number): string[] {
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += size) parts.push(text.slice(at, at + size));
  return parts.length > 0 ? parts : [''];
}

/** The SSE events of a streamed answer, in the real API's order. */
export function streamEvents(reply: PlannedReply): SseEvent[] {
  const events: SseEvent[] = [];
  const add = (data: Json) => events.push({ event: String(data.type), data });
  add({ type: 'message_start', message: { ...messageBody(reply), content: [], stop_reason: null, stop_sequence: null, usage: usageOf(reply, 1) } });
  reply.blocks.forEach((block, index) => {
    if (block.type === 'text') {
      add({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      if (index === 0) add({ type: 'ping' });
      for (const piece of block.text.match(/\S+\s*/g) ?? [block.text]) add({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
    } else {
      add({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      if (index === 0) add({ type: 'ping' });
      // Like the real API: an empty first fragment, then the JSON in small pieces.
      add({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
      const json = Object.keys(block.input).length > 0 ? JSON.stringify(block.input) : '';
      if (json) for (const piece of pieces(json, 12)) add({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } });
    }
    add({ type: 'content_block_stop', index });
  });
  add({ type: 'message_delta', delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence }, usage: usageOf(reply, reply.outputTokens) });
  add({ type: 'message_stop' });
  return events;
}
