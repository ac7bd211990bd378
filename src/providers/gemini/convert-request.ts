import type { ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import { convertMessages } from './convert-messages.js';
import type {
  GeminiGenerationConfig,
  GeminiThinkingConfig,
  GeminiThinkingLevel,
  GeminiTool,
  GeminiToolConfig,
  GenerateContentRequest,
} from './wire-types.js';

/**
 * Request keys this adapter maps (or that need no mapping: `stream` picks the endpoint, and
 * Gemini streams always report usage). Every other key with a value is reported through
 * `warn` — nothing is dropped silently (DESIGN.md §2.1).
 */
const handledKeys = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'top_p',
  'n',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'presence_penalty',
  'frequency_penalty',
  'seed',
  'logprobs',
  'top_logprobs',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'gemini',
]);

/** Canonical (OpenAI) request → `generateContent` body. The model goes in the URL, not here. */
export function convertRequest(request: ChatCompletionRequest, warn: (message: string) => void): GenerateContentRequest {
  const reported = new Set<string>();
  const warnOnce = (message: string) => {
    if (reported.has(message)) return;
    reported.add(message);
    warn(message);
  };

  for (const [key, value] of Object.entries(request)) {
    if (!handledKeys.has(key) && value !== undefined && value !== null) {
      warnOnce(`parameter "${key}" is not supported by Gemini and was ignored`);
    }
  }

  const { systemInstruction, contents } = convertMessages(request.messages, request.model, warnOnce);
  const body: GenerateContentRequest = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  const tools = convertTools(request, warnOnce);
  if (tools) body.tools = tools;
  const toolConfig = convertToolChoice(request, warnOnce);
  if (toolConfig) body.toolConfig = toolConfig;

  const generationConfig = convertGenerationConfig(request, warnOnce);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;

  return mergeProviderExtras(body, request.gemini, warnOnce);
}

function convertGenerationConfig(request: ChatCompletionRequest, warn: (message: string) => void): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (request.temperature != null) config.temperature = request.temperature;
  if (request.top_p != null) config.topP = request.top_p;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null) config.maxOutputTokens = maxTokens;
  if (request.stop != null) config.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  if (request.n != null) config.candidateCount = request.n;
  if (request.presence_penalty != null) config.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) config.frequencyPenalty = request.frequency_penalty;
  if (request.seed != null) config.seed = request.seed;
  if (request.logprobs) config.responseLogprobs = true;
  if (request.top_logprobs != null) {
    config.responseLogprobs = true;
    config.logprobs = request.top_logprobs;
  }

  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    // `responseJsonSchema` takes plain JSON Schema (what OpenAI clients send, e.g. with
    // `additionalProperties: false`); `responseSchema` takes only Google's OpenAPI subset and
    // rejects such keywords. Google's own SDK sends `responseJsonSchema` (recorded fixture).
    if (format.json_schema.schema) config.responseJsonSchema = format.json_schema.schema;
    if (format.json_schema.strict) warn('response_format.json_schema.strict has no Gemini equivalent and was ignored');
  }

  const thinkingConfig = convertReasoningEffort(request, warn);
  if (thinkingConfig) config.thinkingConfig = thinkingConfig;
  return config;
}

/**
 * `reasoning_effort` → `thinkingConfig`: Gemini 3 takes a level, Gemini 2.5 a token budget.
 * The budgets are round numbers inside every 2.5 model's range; `gemini.generationConfig.
 * thinkingConfig` overrides this mapping for callers who need exact control.
 */
function convertReasoningEffort(request: ChatCompletionRequest, warn: (message: string) => void): GeminiThinkingConfig | undefined {
  const effort = request.reasoning_effort;
  if (effort == null) return undefined;
  const levels: Record<string, GeminiThinkingLevel> = { none: 'MINIMAL', minimal: 'MINIMAL', low: 'LOW', medium: 'MEDIUM', high: 'HIGH', xhigh: 'HIGH' };
  const budgets: Record<string, number> = { none: 0, minimal: 128, low: 1024, medium: 8192, high: 24576, xhigh: 32768 };
  if (!(effort in levels)) {
    warn(`reasoning_effort "${effort}" is not known and was ignored`);
    return undefined;
  }
  return /(^|\/)gemini-3/.test(request.model) ? { thinkingLevel: levels[effort] } : { thinkingBudget: budgets[effort] };
}

function convertTools(request: ChatCompletionRequest, warn: (message: string) => void): GeminiTool[] | undefined {
  if (!request.tools || request.tools.length === 0) return undefined;
  if (request.parallel_tool_calls === false) {
    warn('parallel_tool_calls: false is not supported by Gemini (it may call several functions at once) and was ignored');
  }
  const functionDeclarations = request.tools.map((tool) => {
    if (tool.function.strict) warn('tools[].function.strict has no Gemini equivalent and was ignored');
    return {
      name: tool.function.name,
      ...(tool.function.description !== undefined ? { description: tool.function.description } : {}),
      // Plain JSON Schema, as OpenAI clients write it: see the note on `responseJsonSchema`.
      ...(tool.function.parameters !== undefined ? { parametersJsonSchema: tool.function.parameters } : {}),
    };
  });
  return [{ functionDeclarations }];
}

function convertToolChoice(request: ChatCompletionRequest, warn: (message: string) => void): GeminiToolConfig | undefined {
  const choice = request.tool_choice;
  if (choice === undefined) return undefined;
  if (!request.tools || request.tools.length === 0) {
    warn('tool_choice was given without tools and was ignored');
    return undefined;
  }
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

/**
 * Keys under the request's `gemini` object are Gemini's own (`safetySettings`, `cachedContent`,
 * `generationConfig.thinkingConfig`, `tools: [{googleSearch: {}}]`, …) and are merged into the
 * body: objects key by key, anything else (arrays included) replaces what the mapping produced.
 */
function mergeProviderExtras(body: GenerateContentRequest, extras: unknown, warn: (message: string) => void): GenerateContentRequest {
  if (extras === undefined || extras === null) return body;
  if (!isPlainObject(extras)) {
    warn('parameter "gemini" must be an object of Gemini request fields and was ignored');
    return body;
  }
  return deepMerge(body, extras) as GenerateContentRequest;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(source)) {
    const current = merged[key];
    merged[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
