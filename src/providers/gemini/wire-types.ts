/**
 * Wire types of Google AI Studio's Generative Language API (v1beta): `models.generateContent`,
 * `models.streamGenerateContent?alt=sse`, `models.batchEmbedContents` and the error body.
 *
 * Field names follow the REST (JSON, lowerCamelCase) form as documented at
 * ai.google.dev/api and as declared by Google's own `@google/genai` SDK types; the recorded
 * responses in test/fixtures/gemini confirm them. Only what this adapter reads or writes is
 * spelled out; every object keeps an index signature because Google adds fields often and an
 * adapter must pass unknown ones through rather than fail.
 */

// ---------------------------------------------------------------- content

export interface GeminiBlob {
  mimeType: string;
  /** Base64 of the raw bytes. */
  data: string;
}

export interface GeminiFileData {
  mimeType?: string;
  /** A Files API URI, a `gs://` URI or a public http(s) URL. */
  fileUri: string;
}

export interface GeminiFunctionCall {
  name: string;
  /** An object, never a JSON string (unlike OpenAI's `arguments`). */
  args?: Record<string, unknown>;
  /** Optional; AI Studio responses recorded so far carry none. */
  id?: string;
}

export interface GeminiFunctionResponse {
  /** Required: Gemini matches results to calls by name. */
  name: string;
  response: Record<string, unknown>;
  id?: string;
}

export interface GeminiPart {
  text?: string;
  /** True on a thought summary (needs `thinkingConfig.includeThoughts`). */
  thought?: boolean;
  /**
   * Opaque signature of the model's reasoning. Gemini 3 rejects a replayed `functionCall`
   * part without the signature it came with.
   */
  thoughtSignature?: string;
  inlineData?: GeminiBlob;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  executableCode?: { language?: string; code?: string };
  codeExecutionResult?: { outcome?: string; output?: string };
  [key: string]: unknown;
}

export type GeminiRole = 'user' | 'model';

export interface GeminiContent {
  role?: GeminiRole;
  parts: GeminiPart[];
}

// ---------------------------------------------------------------- request

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** OpenAPI-subset schema (Gemini's `Schema` type). */
  parameters?: Record<string, unknown>;
  /** Plain JSON Schema; mutually exclusive with `parameters`. */
  parametersJsonSchema?: unknown;
}

export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  googleSearch?: Record<string, unknown>;
  codeExecution?: Record<string, unknown>;
  urlContext?: Record<string, unknown>;
  [key: string]: unknown;
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';

export interface GeminiToolConfig {
  functionCallingConfig?: {
    mode?: GeminiFunctionCallingMode;
    /** Only with mode ANY. */
    allowedFunctionNames?: string[];
  };
  [key: string]: unknown;
}

export type GeminiThinkingLevel = 'MINIMAL' | 'LOW' | 'MEDIUM' | 'HIGH';

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Gemini 2.5: token budget (0 disables thinking where the model allows it). */
  thinkingBudget?: number;
  /** Gemini 3: coarse level instead of a budget. */
  thinkingLevel?: GeminiThinkingLevel;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  candidateCount?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  seed?: number;
  responseLogprobs?: boolean;
  /** Number of top alternatives per token (needs `responseLogprobs`). */
  logprobs?: number;
  responseMimeType?: string;
  /** OpenAPI-subset schema; rejects plain JSON Schema keywords such as `additionalProperties`. */
  responseSchema?: Record<string, unknown>;
  /** Plain JSON Schema; mutually exclusive with `responseSchema`. */
  responseJsonSchema?: unknown;
  thinkingConfig?: GeminiThinkingConfig;
  [key: string]: unknown;
}

export interface GeminiSafetySetting {
  category: string;
  threshold: string;
}

export interface GenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  safetySettings?: GeminiSafetySetting[];
  generationConfig?: GeminiGenerationConfig;
  cachedContent?: string;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- response

/** `Candidate.finishReason` values (FinishReason enum of the v1beta API). */
export type GeminiFinishReason =
  | 'FINISH_REASON_UNSPECIFIED'
  | 'STOP'
  | 'MAX_TOKENS'
  | 'SAFETY'
  | 'RECITATION'
  | 'LANGUAGE'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'SPII'
  | 'MALFORMED_FUNCTION_CALL'
  | 'IMAGE_SAFETY'
  | 'UNEXPECTED_TOOL_CALL'
  | 'TOO_MANY_TOOL_CALLS'
  | (string & {});

export interface GeminiLogprobsCandidate {
  token?: string;
  tokenId?: number;
  logProbability?: number;
}

export interface GeminiLogprobsResult {
  /** One entry per generated token: the token chosen. */
  chosenCandidates?: GeminiLogprobsCandidate[];
  /** One entry per generated token: the most likely alternatives. */
  topCandidates?: Array<{ candidates?: GeminiLogprobsCandidate[] }>;
  logProbabilitySum?: number;
}

export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: GeminiFinishReason;
  /** Gemini 3: e.g. "Model generated function call(s)." */
  finishMessage?: string;
  index?: number;
  safetyRatings?: unknown[];
  citationMetadata?: unknown;
  groundingMetadata?: unknown;
  urlContextMetadata?: unknown;
  avgLogprobs?: number;
  logprobsResult?: GeminiLogprobsResult;
  [key: string]: unknown;
}

export interface GeminiModalityTokenCount {
  modality?: string;
  tokenCount?: number;
}

/**
 * Token counts. In a stream every event carries running totals (use the last).
 * `promptTokenCount` includes `cachedContentTokenCount`; `totalTokenCount` is
 * prompt + candidates + thoughts (+ toolUsePrompt).
 */
export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  totalTokenCount?: number;
  promptTokensDetails?: GeminiModalityTokenCount[];
  cacheTokensDetails?: GeminiModalityTokenCount[];
  candidatesTokensDetails?: GeminiModalityTokenCount[];
  toolUsePromptTokensDetails?: GeminiModalityTokenCount[];
  [key: string]: unknown;
}

/** `GenerateContentResponse.promptFeedback.blockReason` values. */
export type GeminiBlockReason =
  | 'BLOCK_REASON_UNSPECIFIED'
  | 'SAFETY'
  | 'OTHER'
  | 'BLOCKLIST'
  | 'PROHIBITED_CONTENT'
  | 'IMAGE_SAFETY'
  | (string & {});

export interface GeminiPromptFeedback {
  blockReason?: GeminiBlockReason;
  safetyRatings?: unknown[];
  [key: string]: unknown;
}

/** The body of `generateContent`, and each `data:` payload of `streamGenerateContent?alt=sse`. */
export interface GenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: GeminiPromptFeedback;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  [key: string]: unknown;
}

// ---------------------------------------------------------------- embeddings

export type GeminiEmbeddingTaskType =
  | 'TASK_TYPE_UNSPECIFIED'
  | 'RETRIEVAL_QUERY'
  | 'RETRIEVAL_DOCUMENT'
  | 'SEMANTIC_SIMILARITY'
  | 'CLASSIFICATION'
  | 'CLUSTERING'
  | 'QUESTION_ANSWERING'
  | 'FACT_VERIFICATION'
  | 'CODE_RETRIEVAL_QUERY'
  | (string & {});

export interface EmbedContentRequest {
  /** `models/{model}`; must equal the model in the batch URL. */
  model: string;
  content: GeminiContent;
  taskType?: GeminiEmbeddingTaskType;
  /** Only with taskType RETRIEVAL_DOCUMENT. */
  title?: string;
  outputDimensionality?: number;
  [key: string]: unknown;
}

/** POST `/v1beta/models/{model}:batchEmbedContents`; at most 100 requests per batch. */
export interface BatchEmbedContentsRequest {
  requests: EmbedContentRequest[];
}

export interface BatchEmbedContentsResponse {
  /** In the order of the requests. No token counts are reported. */
  embeddings?: Array<{ values?: number[] }>;
}

// ---------------------------------------------------------------- errors

/** Google's error body: `{error:{code,message,status,details}}`, also sent inside a stream. */
export interface GeminiErrorBody {
  error: {
    code: number;
    message: string;
    /** google.rpc.Code name: INVALID_ARGUMENT, PERMISSION_DENIED, RESOURCE_EXHAUSTED, … */
    status: string;
    details?: Array<{ '@type'?: string; [key: string]: unknown }>;
  };
}
