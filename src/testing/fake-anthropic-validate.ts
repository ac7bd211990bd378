/**
 * Request validation of the fake Anthropic API: the 400s the real POST /v1/messages answers,
 * with its wording where it is known (SDK issues, vercel/ai fixtures), so adapters are tested
 * against the rules they must respect rather than against a server that accepts anything.
 * Written independently of src/providers/anthropic so it can catch that adapter's mistakes.
 */

type Json = Record<string, unknown>;

/** API version 2026-10-21 accepts `system` messages inside `messages` and rejects sampling parameters. */
export function isVersion20261021OrLater(version: string): boolean {
  return version >= '2026-10-21';
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function blocksOf(content: unknown): Json[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

/** Returns the error message of the first rule the body breaks, or undefined when it is valid. */
export function validateMessagesRequest(body: unknown, anthropicVersion: string): string | undefined {
  if (!isObject(body)) return 'request body must be a JSON object';
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (body.max_tokens === undefined) return 'max_tokens: Field required';
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 0) return 'max_tokens: Input should be a valid integer';
  if (body.messages === undefined) return 'messages: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Input should be a valid list';
  if (body.messages.length === 0) return 'messages: at least one message is required';

  const newVersion = isVersion20261021OrLater(anthropicVersion);
  for (const key of ['temperature', 'top_p', 'top_k']) {
    if (body[key] === undefined) continue;
    if (newVersion) return `${key}: Extra inputs are not permitted`;
    if (key === 'temperature' && (typeof body[key] !== 'number' || (body[key] as number) < 0 || (body[key] as number) > 1)) {
      return 'temperature: Input should be less than or equal to 1';
    }
  }

  const messages = body.messages as unknown[];
  for (const [index, message] of messages.entries()) {
    if (!isObject(message)) return `messages.${index}: Input should be a valid dictionary`;
    if (message.role === 'system' && !newVersion) {
      return 'messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';
    }
    if (message.role !== 'user' && message.role !== 'assistant' && message.role !== 'system') {
      return `messages.${index}.role: Input should be 'user' or 'assistant'`;
    }
    if (message.content === undefined) return `messages.${index}.content: Field required`;
    const blocks = blocksOf(message.content);
    const finalAssistant = index === messages.length - 1 && message.role === 'assistant';
    if (blocks.length === 0 && !finalAssistant) {
      return `messages.${index}: all messages must have non-empty content except for the optional final assistant message`;
    }
    for (const block of blocks) {
      if (typeof block.type !== 'string') return `messages.${index}.content: every content block needs a type`;
      if (block.type === 'text' && (typeof block.text !== 'string' || block.text === '')) return 'messages: text content blocks must be non-empty';
    }
  }
  return validateToolPairing(messages as Json[]);
}

/**
 * The API combines consecutive same-role turns, then requires every tool_result to answer a
 * tool_use of the previous turn and every tool_use to be answered in the next turn.
 */
function validateToolPairing(messages: Json[]): string | undefined {
  const turns: Array<{ role: unknown; firstIndex: number; blocks: Array<{ block: Json; index: number; position: number }> }> = [];
  for (const [index, message] of messages.entries()) {
    const blocks = blocksOf(message.content).map((block, position) => ({ block, index, position }));
    const previous = turns[turns.length - 1];
    if (previous && previous.role === message.role) previous.blocks.push(...blocks);
    else turns.push({ role: message.role, firstIndex: index, blocks });
  }
  for (const [turnIndex, turn] of turns.entries()) {
    const previous = turns[turnIndex - 1];
    const offered = new Set(
      previous?.role === 'assistant' ? previous.blocks.filter((entry) => entry.block.type === 'tool_use').map((entry) => entry.block.id) : [],
    );
    for (const { block, index, position } of turn.blocks) {
      if (block.type === 'tool_result' && !offered.has(block.tool_use_id)) {
        return (
          `messages.${index}.content.${position}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(block.tool_use_id)}. ` +
          'Each `tool_result` block must have a corresponding `tool_use` block in the previous message.'
        );
      }
    }
    const next = turns[turnIndex + 1];
    if (turn.role !== 'assistant' || !next) continue;
    const answered = new Set(next.blocks.filter((entry) => entry.block.type === 'tool_result').map((entry) => entry.block.tool_use_id));
    const unanswered = turn.blocks.filter((entry) => entry.block.type === 'tool_use' && !answered.has(entry.block.id)).map((entry) => String(entry.block.id));
    if (unanswered.length > 0) {
      return (
        `messages.${turn.firstIndex}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. ` +
        'Each `tool_use` block must have a corresponding `tool_result` block in the next message.'
      );
    }
  }
  return undefined;
}
