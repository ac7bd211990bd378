import type { ChatCompletionRequest, FunctionTool } from '../../schema/chat-completion-request.js';
import type { Tool, ToolChoice } from './wire-types.js';

type Warn = (message: string) => void;

export interface ConvertedTools {
  tools?: Tool[];
  tool_choice?: ToolChoice;
  /** Set when response_format asked for JSON: the tool whose input is the JSON answer. */
  jsonResponseToolName?: string;
  /** Appended to the system prompt when the JSON tool cannot be forced (thinking is on). */
  systemInstruction?: string;
}

/** Anthropic requires an object schema; OpenAI lets a function omit `parameters`. */
function inputSchema(parameters: Record<string, unknown> | undefined): Tool['input_schema'] {
  const schema: Record<string, unknown> = { ...(parameters ?? {}) };
  if (schema.type === undefined) schema.type = 'object';
  if (schema.type === 'object' && schema.properties === undefined) schema.properties = {};
  return schema as Tool['input_schema'];
}

function toAnthropicTool(tool: FunctionTool): Tool {
  const { name, description, parameters, strict } = tool.function;
  // Clients that know Anthropic mark prompt-cache breakpoints on tools; keep them.
  const cacheControl = (tool as { cache_control?: Tool['cache_control'] }).cache_control;
  return {
    name,
    ...(description ? { description } : {}),
    input_schema: inputSchema(parameters),
    // Anthropic's `strict` guarantees inputs match the schema, as OpenAI's does.
    ...(strict === true ? { strict: true } : {}),
    ...(cacheControl ? { cache_control: cacheControl } : {}),
  };
}

function mapToolChoice(choice: ChatCompletionRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'required') return { type: 'any' };
  if (choice === 'none') return { type: 'none' };
  return { type: 'tool', name: choice.function.name };
}

/**
 * JSON mode. Anthropic's Messages API has no `response_format`; the portable way to get JSON
 * from every Claude model is tool use (the approach of Vercel's AI SDK and LiteLLM): a tool
 * named `json` whose input_schema is the requested schema (json_object: any object), which the
 * model is forced to call; convert-response/convert-stream turn that tool call back into
 * `message.content` text and report `finish_reason: "stop"`. With the client's own tools
 * present, tool_choice becomes `any`, so the model either calls a real tool or answers in JSON.
 * Anthropic's native structured outputs (`output_config.format`) work only on newer models;
 * clients that want them can send `anthropic: { output_config: { format: {...} } }` instead.
 */
function jsonResponseTool(request: ChatCompletionRequest, takenNames: Set<string>): Tool | undefined {
  const format = request.response_format;
  if (!format || format.type === 'text') return undefined;
  let name = 'json';
  for (let suffix = 1; takenNames.has(name); suffix++) name = `json_response_${suffix}`;
  if (format.type === 'json_object') {
    return { name, description: 'Respond with your answer as a JSON object.', input_schema: { type: 'object', additionalProperties: true } };
  }
  const { json_schema: jsonSchema } = format;
  return {
    name,
    description: jsonSchema.description ?? `Respond with your answer as JSON matching the "${jsonSchema.name}" schema.`,
    input_schema: inputSchema(jsonSchema.schema ?? { type: 'object', additionalProperties: true }),
    ...(jsonSchema.strict === true ? { strict: true } : {}),
  };
}

export function convertTools(request: ChatCompletionRequest, options: { warn: Warn; thinkingEnabled: boolean }): ConvertedTools {
  const { warn } = options;
  const clientTools = (request.tools ?? []).map(toAnthropicTool);
  let choice = mapToolChoice(request.tool_choice);
  if (clientTools.length === 0 && choice && choice.type !== 'none') {
    warn('tool_choice was given without tools and was not sent.');
  }
  if (clientTools.length === 0) choice = undefined;

  const jsonTool = jsonResponseTool(request, new Set(clientTools.map((tool) => tool.name)));
  let systemInstruction: string | undefined;
  if (jsonTool) {
    if (choice?.type === 'tool') {
      warn(`response_format is not enforced because tool_choice forces the function "${choice.name}".`);
    } else if (options.thinkingEnabled) {
      // Anthropic rejects a forced tool_choice while thinking is on, so ask in words instead.
      warn('response_format with Anthropic thinking: JSON is requested by instruction, not forced.');
      choice = { type: 'auto' };
      systemInstruction = `Give your final answer by calling the "${jsonTool.name}" tool; do not answer in plain text.`;
    } else if (clientTools.length === 0 || choice?.type === 'none') {
      choice = { type: 'tool', name: jsonTool.name };
    } else {
      choice = { type: 'any' };
    }
  }

  if (request.parallel_tool_calls === false && clientTools.length > 0) {
    choice ??= { type: 'auto' };
    if (choice.type !== 'none') choice.disable_parallel_tool_use = true;
  }

  const tools = jsonTool ? [...clientTools, jsonTool] : clientTools;
  return {
    ...(tools.length > 0 ? { tools } : {}),
    ...(choice ? { tool_choice: choice } : {}),
    ...(jsonTool ? { jsonResponseToolName: jsonTool.name } : {}),
    ...(systemInstruction ? { systemInstruction } : {}),
  };
}
