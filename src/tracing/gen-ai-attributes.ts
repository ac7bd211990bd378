import type { Attributes } from '@opentelemetry/api';
import type { ProviderType } from '../providers/provider.js';
import type { ChatCompletionRequest } from '../schema/chat-completion-request.js';
import type { ChatCompletion, ChatCompletionChunk, Usage } from '../schema/chat-completion-response.js';

/** Token counts as chat (Usage) and embeddings (prompt tokens only) report them. */
export type UsageCounts = Pick<Usage, 'prompt_tokens' | 'prompt_tokens_details' | 'completion_tokens_details'> & { completion_tokens?: number };
import type { EmbeddingsResponse } from '../schema/embeddings.js';

/**
 * GenAI semantic-convention attribute names (OpenTelemetry semantic conventions 1.45,
 * `gen_ai.*` registry). They are still "development" status, and the package's advice for
 * those is to copy the names rather than import its 800 KB incubating entry point.
 */
export const genAi = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  /** Deprecated in favour of gen_ai.provider.name (1.37) but still what many backends read. */
  system: 'gen_ai.system',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestFrequencyPenalty: 'gen_ai.request.frequency_penalty',
  requestPresencePenalty: 'gen_ai.request.presence_penalty',
  requestSeed: 'gen_ai.request.seed',
  requestChoiceCount: 'gen_ai.request.choice.count',
  requestStream: 'gen_ai.request.stream',
  requestEncodingFormats: 'gen_ai.request.encoding_formats',
  responseId: 'gen_ai.response.id',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  usageCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  usageCacheCreationInputTokens: 'gen_ai.usage.cache_creation.input_tokens',
  usageReasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
} as const;

/** gen_ai.provider.name and the older gen_ai.system, from the well-known values of each. */
const providerNames: Record<ProviderType, { provider: string; system: string }> = {
  openai: { provider: 'openai', system: 'openai' },
  anthropic: { provider: 'anthropic', system: 'anthropic' },
  gemini: { provider: 'gcp.gemini', system: 'gcp.gemini' },
  'azure-openai': { provider: 'azure.ai.openai', system: 'az.ai.openai' },
};

export type GenAiOperation = 'chat' | 'embeddings';

export function providerAttributes(type: ProviderType): Attributes {
  const names = providerNames[type];
  return { [genAi.providerName]: names.provider, [genAi.system]: names.system };
}

/** What the request asks of the model: parameters only, never the messages. */
export function requestAttributes(operation: GenAiOperation, model: string, request: Partial<ChatCompletionRequest> | undefined): Attributes {
  const attributes: Attributes = { [genAi.operationName]: operation, [genAi.requestModel]: model };
  if (!request) return attributes;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === 'number') attributes[genAi.requestMaxTokens] = maxTokens;
  if (typeof request.temperature === 'number') attributes[genAi.requestTemperature] = request.temperature;
  if (typeof request.top_p === 'number') attributes[genAi.requestTopP] = request.top_p;
  if (typeof request.frequency_penalty === 'number') attributes[genAi.requestFrequencyPenalty] = request.frequency_penalty;
  if (typeof request.presence_penalty === 'number') attributes[genAi.requestPresencePenalty] = request.presence_penalty;
  if (typeof request.seed === 'number') attributes[genAi.requestSeed] = request.seed;
  if (typeof request.n === 'number' && request.n !== 1) attributes[genAi.requestChoiceCount] = request.n;
  if (operation === 'chat') attributes[genAi.requestStream] = request.stream === true;
  return attributes;
}

/** What the answer says about itself, gathered from a completion or from a stream's chunks. */
export interface ResponseFacts {
  id?: string;
  model?: string;
  /** By choice index; a stream reports each choice's reason in its last chunk. */
  finishReasons?: Map<number, string>;
}

export function completionFacts(completion: ChatCompletion): ResponseFacts {
  const finishReasons = new Map<number, string>();
  for (const choice of completion.choices) if (choice.finish_reason) finishReasons.set(choice.index, choice.finish_reason);
  return { id: completion.id, model: completion.model, finishReasons };
}

export function embeddingsFacts(embeddings: EmbeddingsResponse): ResponseFacts {
  return { model: embeddings.model };
}

/** Folds one chunk into `facts`: assignments only, so seeing a chunk twice changes nothing. */
export function noteChunk(facts: ResponseFacts, chunk: ChatCompletionChunk): void {
  if (chunk.id) facts.id = chunk.id;
  if (chunk.model) facts.model = chunk.model;
  for (const choice of chunk.choices ?? []) {
    if (choice.finish_reason) (facts.finishReasons ??= new Map()).set(choice.index, choice.finish_reason);
  }
}

export function responseAttributes(facts: ResponseFacts, usage: UsageCounts | undefined): Attributes {
  const attributes: Attributes = {};
  if (facts.id) attributes[genAi.responseId] = facts.id;
  if (facts.model) attributes[genAi.responseModel] = facts.model;
  if (facts.finishReasons && facts.finishReasons.size > 0) {
    attributes[genAi.responseFinishReasons] = [...facts.finishReasons.entries()].sort(([a], [b]) => a - b).map(([, reason]) => reason);
  }
  if (usage) {
    attributes[genAi.usageInputTokens] = usage.prompt_tokens;
    if (typeof usage.completion_tokens === 'number') attributes[genAi.usageOutputTokens] = usage.completion_tokens;
    const cached = usage.prompt_tokens_details?.cached_tokens;
    if (typeof cached === 'number') attributes[genAi.usageCacheReadInputTokens] = cached;
    const written = usage.prompt_tokens_details?.cache_write_tokens;
    if (typeof written === 'number') attributes[genAi.usageCacheCreationInputTokens] = written;
    const reasoning = usage.completion_tokens_details?.reasoning_tokens;
    if (typeof reasoning === 'number') attributes[genAi.usageReasoningOutputTokens] = reasoning;
  }
  return attributes;
}
