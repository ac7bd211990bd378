/**
 * The brain of the fake Gemini upstream (fake-gemini-upstream.ts): validates request bodies the
 * way Google's API does (same statuses, same error shape) and plans deterministic answers, so
 * tests and benchmarks can assert exact results without a network.
 */

type Json = Record<string, unknown>;

export interface GoogleError {
  code: number;
  message: string;
  status: string;
  details?: Json[];
}

/** What one candidate will say. */
export interface CandidatePlan {
  thought?: string;
  words: string[];
  functionCall?: { name: string; args: Json };
  thoughtSignature?: string;
  finishReason: 'STOP' | 'MAX_TOKENS';
}

export interface AnswerPlan {
  promptTokens: number;
  candidates: CandidatePlan[];
}

export const invalidArgument = (message: string): GoogleError => ({ code: 400, message, status: 'INVALID_ARGUMENT' });

// Fields Google's JSON parser accepts; anything else is "Unknown name" (catches adapter typos
// such as snake_case keys, which the real API rejects with 400).
const requestFields = new Set(['contents', 'systemInstruction', 'tools', 'toolConfig', 'safetySettings', 'generationConfig', 'cachedContent', 'labels']);
const generationConfigFields = new Set([
  'stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'candidateCount',
  'maxOutputTokens', 'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs',
  'logprobs', 'enableEnhancedCivicAnswers', 'speechConfig', 'thinkingConfig', 'imageConfig', 'mediaResolution',
]);
const partFields = new Set([
  'text', 'thought', 'thoughtSignature', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode',
  'codeExecutionResult', 'videoMetadata', 'partMetadata',
]);
const declarationFields = new Set(['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior']);

/** Google's own placeholder that disables the Gemini 3 signature check. */
const skipSignature = 'skip_thought_signature_validator';

function unknownField(object: unknown, allowed: Set<string>, path: string): GoogleError | undefined {
  if (!isObject(object)) return undefined;
  const unknown = Object.keys(object).find((key) => !allowed.has(key));
  return unknown === undefined ? undefined : invalidArgument(`Invalid JSON payload received. Unknown name "${unknown}" at '${path}': Cannot find field.`);
}

export function validateGenerateContent(body: unknown, model: string, issuedSignatures: Set<string>): GoogleError | undefined {
  if (!isObject(body)) return invalidArgument('Invalid JSON payload received. Expected an object.');
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) return invalidArgument('* GenerateContentRequest.contents: contents is not specified\n');
  const unknown =
    unknownField(body, requestFields, '') ??
    unknownField(body.generationConfig, generationConfigFields, 'generation_config') ??
    toolsError(body.tools);
  if (unknown) return unknown;
  for (const [contentIndex, content] of contents.entries()) {
    if (!isObject(content)) return invalidArgument(`* GenerateContentRequest.contents[${contentIndex}]: must be an object\n`);
    if (content.role !== undefined && content.role !== 'user' && content.role !== 'model') {
      return invalidArgument('Please use a valid role: user, model.');
    }
    const parts = content.parts;
    if (!Array.isArray(parts) || parts.length === 0) {
      return invalidArgument(`* GenerateContentRequest.contents[${contentIndex}].parts: contents.parts must not be empty.\n`);
    }
    let firstCall = true;
    for (const [partIndex, part] of parts.entries()) {
      const partError = unknownField(part, partFields, `contents[${contentIndex}].parts[${partIndex}]`);
      if (partError) return partError;
      const response = isObject(part) ? part.functionResponse : undefined;
      if (response !== undefined && (!isObject(response) || typeof response.name !== 'string' || response.name === '')) {
        return invalidArgument(`* GenerateContentRequest.contents[${contentIndex}].parts[${partIndex}].function_response.name: Name cannot be empty.\n`);
      }
      const call = isObject(part) && isObject(part.functionCall) ? part.functionCall : undefined;
      if (call && content.role === 'model' && firstCall && /gemini-3/.test(model)) {
        firstCall = false;
        const signature = (part as Json).thoughtSignature;
        if (signature !== skipSignature && !(typeof signature === 'string' && issuedSignatures.has(signature))) {
          return invalidArgument(
            `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${String(call.name)}\` , position ${contentIndex + 1}. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
          );
        }
      }
    }
  }
  return undefined;
}

function toolsError(tools: unknown): GoogleError | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return invalidArgument('Invalid JSON payload received. "tools" must be a list.');
  for (const [toolIndex, tool] of tools.entries()) {
    const declarations = isObject(tool) ? tool.functionDeclarations : undefined;
    if (!Array.isArray(declarations)) continue;
    for (const [index, declaration] of declarations.entries()) {
      const error = unknownField(declaration, declarationFields, `tools[${toolIndex}].function_declarations[${index}]`);
      if (error) return error;
      if (isObject(declaration) && declaration.parameters !== undefined && declaration.parametersJsonSchema !== undefined) {
        return invalidArgument('parameters and parameters_json_schema are mutually exclusive');
      }
    }
  }
  return undefined;
}

/**
 * Plans the answer: the last user text is echoed (candidate i > 0 gets an "(i) " prefix); a
 * function call is made when tools are declared and the mode is ANY, or the mode is not NONE
 * and the last user text contains `toolTrigger`. `maxOutputTokens` cuts the echo (MAX_TOKENS);
 * `thinkingConfig.includeThoughts` adds a thought part.
 */
export function planAnswer(body: Json, model: string, toolTrigger: string, issueSignature: (name: string) => string): AnswerPlan {
  const contents = body.contents as Json[];
  const config = isObject(body.generationConfig) ? body.generationConfig : {};
  const lastUser = [...contents].reverse().find((content) => content.role !== 'model');
  const lastParts = (lastUser?.parts as Json[] | undefined) ?? [];
  const userText = lastParts.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
  const toolResults = lastParts.filter((part) => isObject(part.functionResponse)).map((part) => part.functionResponse as Json);
  const replyText = toolResults.length > 0 ? `Result: ${JSON.stringify(toolResults.map((result) => result.response))}` : userText;

  const call = plannedFunctionCall(body, userText, toolTrigger);
  const count = typeof config.candidateCount === 'number' ? config.candidateCount : 1;
  const maxTokens = typeof config.maxOutputTokens === 'number' ? config.maxOutputTokens : Infinity;
  const includeThoughts = isObject(config.thinkingConfig) && config.thinkingConfig.includeThoughts === true;

  const candidates = Array.from({ length: count }, (_unused, index): CandidatePlan => {
    const thought = includeThoughts ? `Thinking about "${userText}"` : undefined;
    if (call) {
      const signature = /gemini-3/.test(model) ? issueSignature(call.name) : undefined;
      return { thought, words: [], functionCall: call, thoughtSignature: signature, finishReason: 'STOP' };
    }
    const words = splitWords(index === 0 ? replyText : `(${index}) ${replyText}`);
    const cut = words.length > maxTokens;
    return { thought, words: cut ? words.slice(0, maxTokens) : words, finishReason: cut ? 'MAX_TOKENS' : 'STOP' };
  });
  return { promptTokens: Math.max(1, countPromptWords(body)), candidates };
}

function plannedFunctionCall(body: Json, userText: string, toolTrigger: string): CandidatePlan['functionCall'] {
  const declarations = (Array.isArray(body.tools) ? body.tools : [])
    .flatMap((tool) => (isObject(tool) && Array.isArray(tool.functionDeclarations) ? tool.functionDeclarations : []))
    .filter(isObject);
  if (declarations.length === 0) return undefined;
  const callingConfig = isObject(body.toolConfig) && isObject(body.toolConfig.functionCallingConfig) ? body.toolConfig.functionCallingConfig : {};
  const mode = callingConfig.mode ?? 'AUTO';
  if (mode === 'NONE') return undefined;
  if (mode !== 'ANY' && !userText.toLowerCase().includes(toolTrigger.toLowerCase())) return undefined;
  const allowed = Array.isArray(callingConfig.allowedFunctionNames) ? (callingConfig.allowedFunctionNames as string[]) : [];
  const declaration = declarations.find((item) => allowed.length === 0 || allowed.includes(item.name as string)) ?? declarations[0];
  const schema = (declaration.parametersJsonSchema ?? declaration.parameters) as Json | undefined;
  const properties = isObject(schema?.properties) ? schema.properties : {};
  const args: Json = {};
  for (const [key, property] of Object.entries(properties)) {
    const type = String(isObject(property) ? property.type : '').toLowerCase();
    if (type === 'string') args[key] = userText;
    else if (type === 'number' || type === 'integer') args[key] = 42;
    else if (type === 'boolean') args[key] = true;
  }
  return { name: String(declaration.name), args };
}

export function splitWords(text: string): string[] {
  // Keeps each word's leading space so the pieces join back to the exact text.
  return text.match(/\s*\S+/g) ?? [];
}

function countPromptWords(body: Json): number {
  const contents = [...(body.contents as Json[]), ...(isObject(body.systemInstruction) ? [body.systemInstruction] : [])];
  let words = 0;
  for (const content of contents) {
    for (const part of (content.parts as Json[] | undefined) ?? []) {
      if (typeof part.text === 'string') words += splitWords(part.text).length;
    }
  }
  return words;
}

/**
 * A deterministic vector for a text: values k/256, which float32 holds exactly, so a base64
 * (float32) answer decodes to the same numbers as the float answer.
 */
export function fakeEmbedding(text: string, dimensions: number): number[] {
  let hash = 7;
  for (const char of text) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) % 1_000_003;
  return Array.from({ length: dimensions }, (_unused, index) => (((hash + index * 97) % 512) - 256) / 256);
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
