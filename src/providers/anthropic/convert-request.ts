import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import { convertMessages } from './convert-messages.js';
import { convertTools } from './convert-tools.js';
import type { MessagesRequest, TextBlockParam } from './wire-types.js';

export interface ConvertRequestOptions {
  /** `default_max_tokens` from the provider config: Anthropic requires max_tokens. */
  defaultMaxTokens?: number;
  /** The `anthropic-version` header this request is sent with (sampling parameters depend on it). */
  anthropicVersion: string;
  /** Reports a parameter Anthropic cannot take (DESIGN.md §2.1: never dropped silently). */
  warn(message: string): void;
}

export interface ConvertedRequest {
  body: MessagesRequest;
  /** Set when the JSON answer arrives as a call of this tool (see convert-tools.ts). */
  jsonResponseToolName?: string;
}

/** Used when neither the client nor the provider config gives a limit. */
export const fallbackMaxTokens = 4096;

/**
 * API version 2026-10-21 rejects temperature, top_p and top_k with a 400 on every model (even at
 * their defaults); 2023-06-01 accepts them. ISO dates compare correctly as strings.
 */
export function acceptsSamplingParameters(anthropicVersion: string): boolean {
  return anthropicVersion < '2026-10-21';
}

/** Parameters converted below, or handled by the gateway around the adapter (stream_options). */
const handledKeys = new Set([
  'model', 'messages', 'stream', 'stream_options', 'max_tokens', 'max_completion_tokens', 'temperature', 'top_p',
  'stop', 'user', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format', 'anthropic',
]);

/** Extras addressed to other providers (a route may fall back across vendors): not ours to report. */
const otherProviderKeys = new Set(['openai', 'azure', 'azure-openai', 'azure_openai', 'gemini', 'google']);

/** Whether a parameter Anthropic lacks would change the result (a neutral value drops harmlessly). */
function changesResult(key: string, value: unknown): boolean {
  switch (key) {
    case 'n':
      return typeof value === 'number' && value > 1;
    case 'presence_penalty':
    case 'frequency_penalty':
      return value !== 0;
    case 'logprobs':
    case 'store':
      return value === true;
    case 'logit_bias':
    case 'metadata':
      return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
    default:
      return true;
  }
}

function reportUnsupported(request: ChatCompletionRequest, warn: (message: string) => void): void {
  for (const [key, value] of Object.entries(request)) {
    if (handledKeys.has(key) || otherProviderKeys.has(key) || value === undefined || value === null) continue;
    if (!changesResult(key, value)) continue;
    const hint = key === 'reasoning_effort' ? ' (use anthropic.thinking or anthropic.output_config.effort)' : '';
    warn(`${key} is not supported by Anthropic and was not sent${hint}.`);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `request.anthropic`: Anthropic-only parameters (thinking, top_k, service_tier, …) sent as is. */
function readExtras(value: unknown, warn: (message: string) => void): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (isPlainObject(value)) return value;
  warn('anthropic must be an object of Anthropic Messages parameters; it was not sent.');
  return {};
}

function isThinkingEnabled(thinking: unknown): boolean {
  return isPlainObject(thinking) && (thinking.type === 'enabled' || thinking.type === 'adaptive');
}

function appendToSystem(system: MessagesRequest['system'], text: string): string | TextBlockParam[] {
  if (system === undefined) return text;
  if (typeof system === 'string') return `${system}\n\n${text}`;
  return [...system, { type: 'text', text }];
}

/** Canonical ChatCompletionRequest → Anthropic Messages request body (without `stream`). */
export function convertRequest(request: ChatCompletionRequest, options: ConvertRequestOptions): ConvertedRequest {
  const { warn } = options;
  const extras = readExtras(request.anthropic, warn);
  const { system, messages } = convertMessages(request.messages, warn);
  const tools = convertTools(request, { warn, thinkingEnabled: isThinkingEnabled(extras.thinking) });

  const body: MessagesRequest = {
    model: request.model,
    messages,
    max_tokens: request.max_completion_tokens ?? request.max_tokens ?? options.defaultMaxTokens ?? fallbackMaxTokens,
  };
  const fullSystem = tools.systemInstruction ? appendToSystem(system, tools.systemInstruction) : system;
  if (fullSystem !== undefined) body.system = fullSystem;

  const samplingAccepted = acceptsSamplingParameters(options.anthropicVersion);
  if (request.temperature !== undefined && request.temperature !== null) {
    if (!samplingAccepted) {
      warn(`temperature is rejected by anthropic-version ${options.anthropicVersion} and was not sent.`);
    } else if (request.temperature > 1) {
      // OpenAI allows 0–2, Anthropic 0–1: the closest value keeps the request working.
      warn(`temperature ${request.temperature} is above Anthropic's maximum of 1; 1 was sent.`);
      body.temperature = 1;
    } else {
      body.temperature = request.temperature;
    }
  }
  if (request.top_p !== undefined && request.top_p !== null) {
    if (samplingAccepted) body.top_p = request.top_p;
    else warn(`top_p is rejected by anthropic-version ${options.anthropicVersion} and was not sent.`);
  }
  if (request.stop !== undefined && request.stop !== null) {
    const sequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
    if (sequences.length > 0) body.stop_sequences = sequences;
  }
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (tools.tools) body.tools = tools.tools;
  if (tools.tool_choice) body.tool_choice = tools.tool_choice;

  reportUnsupported(request, warn);
  if (!samplingAccepted && 'top_k' in extras) {
    warn(`anthropic.top_k is rejected by anthropic-version ${options.anthropicVersion}; it was sent as given.`);
  }

  // Extras win over converted values; plain objects (metadata, …) are merged one level deep so
  // `anthropic: { metadata: {...} }` does not erase the user id taken from `user`.
  for (const [key, value] of Object.entries(extras)) {
    const current = body[key];
    body[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value;
  }

  return { body, ...(tools.jsonResponseToolName ? { jsonResponseToolName: tools.jsonResponseToolName } : {}) };
}
