import type { ChatCompletionRequest, ChatMessage } from '../schema/chat-completion-request.js';
import type { EmbeddingsRequest } from '../schema/embeddings.js';
import type { Usage } from '../schema/chat-completion-response.js';
import { loadTokenizer } from './tokenizer.js';

type CountTokens = (text: string) => number;

/**
 * Token estimates with o200k_base, following OpenAI's published accounting for chat models:
 * 3 tokens of framing per message (+1 with a name), 3 to prime the reply. Other providers'
 * tokenizers differ by some percent; these numbers are for limits before the call and for
 * providers that report nothing, and are marked as estimates wherever they are used.
 */
const perMessage = 3;
const perName = 1;
const replyPriming = 3;
/** An image costs what OpenAI charges a low-detail image; its real size is not known here. */
const perImage = 85;

function contentTokens(count: CountTokens, content: ChatMessage['content']): number {
  if (content === null || content === undefined) return 0;
  if (typeof content === 'string') return count(content);
  let tokens = 0;
  for (const part of content) {
    if (part.type === 'text') tokens += count(part.text);
    else if (part.type === 'refusal') tokens += count(part.refusal);
    else if (part.type === 'image_url') tokens += perImage;
  }
  return tokens;
}

export function countPromptTokens(count: CountTokens, request: ChatCompletionRequest): number {
  let tokens = replyPriming;
  for (const message of request.messages) {
    tokens += perMessage + contentTokens(count, message.content);
    const name: unknown = 'name' in message ? message.name : undefined;
    if (typeof name === 'string' && name) tokens += perName + count(name);
    if (message.role === 'assistant' && message.tool_calls) {
      for (const call of message.tool_calls) tokens += count(call.function.name) + count(call.function.arguments);
    }
  }
  // Tool definitions reach the model as text too; their JSON is a close stand-in.
  if (request.tools && request.tools.length > 0) tokens += count(JSON.stringify(request.tools));
  if (request.response_format?.type === 'json_schema') tokens += count(JSON.stringify(request.response_format.json_schema));
  return tokens;
}

/** What a chat request may consume at most: the prompt plus the completion it allows. */
export async function estimateRequestTokens(request: ChatCompletionRequest): Promise<number> {
  const count = await loadTokenizer();
  const completion = (request.max_completion_tokens ?? request.max_tokens ?? 0) * (request.n ?? 1);
  return countPromptTokens(count, request) + completion;
}

export function countEmbeddingTokens(count: CountTokens, request: EmbeddingsRequest): number {
  const input = request.input as unknown;
  const items: unknown[] = Array.isArray(input) && typeof input[0] !== 'number' ? input : [input];
  let tokens = 0;
  for (const item of items) {
    if (typeof item === 'string') tokens += count(item);
    // Pre-tokenized input: an array of token ids.
    else if (Array.isArray(item)) tokens += item.length;
  }
  return tokens;
}

/** A usage built from estimates, for a provider that reported none. */
export function estimatedUsage(promptTokens: number, completionTokens: number): Usage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}
