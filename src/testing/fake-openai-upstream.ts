import type { ServerResponse } from 'node:http';
import { encodeEmbeddingBase64 } from '../schema/embeddings.js';
import { sendEvents, sendJson, startFakeUpstreamServer, type FakeUpstreamControls, type RecordedRequest } from './fake-upstream-server.js';

export interface FakeOpenAIOptions {
  /** Required bearer token (OpenAI) or `api-key` (Azure); undefined accepts anything. */
  apiKey?: string;
  record?: boolean;
  /** Pause between streamed chunks. */
  chunkGapMs?: number;
  /** Mid-stream failure: after this many content chunks, send an error event and stop. */
  streamErrorAfter?: number;
}

const validRoles = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);

function openAIError(response: ServerResponse, status: number, message: string, type: string, param: string | null = null, code: string | null = null): void {
  sendJson(response, status, { error: { message, type, param, code } });
}

function lastUserText(messages: Array<{ role: string; content: unknown }>): string {
  const last = [...messages].reverse().find((message) => message.role === 'user');
  if (!last) return '';
  if (typeof last.content === 'string') return last.content;
  if (Array.isArray(last.content)) {
    return last.content.filter((part) => part?.type === 'text').map((part) => part.text).join(' ');
  }
  return '';
}

/** Deterministic vector for a text, so tests can compare embeddings. */
export function fakeEmbedding(text: string, dimensions = 8): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (let index = 0; index < text.length; index++) vector[index % dimensions] += (text.charCodeAt(index) % 17) / 16;
  return vector.map((value) => Math.round(value * 1000) / 1000);
}

/**
 * A fake OpenAI (and Azure OpenAI) API speaking the exact wire format, streaming included,
 * that rejects what the real API rejects in the cases the gateway exercises.
 */
export function startFakeOpenAIUpstream(options: FakeOpenAIOptions = {}): Promise<FakeUpstreamControls> {
  return startFakeUpstreamServer(async (request, response) => {
    const url = new URL(request.path, 'http://fake');
    const azure = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(url.pathname);
    if (azure && !url.searchParams.get('api-version')) {
      return openAIError(response, 404, 'Resource not found', 'invalid_request_error', null, '404');
    }
    const presented = azure ? request.headers['api-key'] : request.headers.authorization?.replace(/^Bearer /, '');
    if (options.apiKey !== undefined && presented !== options.apiKey) {
      return openAIError(response, 401, 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
    }
    const operation = azure ? azure[2] : url.pathname.replace(/^\/v1\//, '');
    if (request.method !== 'POST' && operation !== 'models') return openAIError(response, 405, 'Method not allowed', 'invalid_request_error');
    if (operation === 'chat/completions') return chatCompletion(request, response, options, azure?.[1]);
    if (operation === 'embeddings') return embeddings(request, response, azure?.[1]);
    if (operation === 'models') return sendJson(response, 200, { object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model', created: 1, owned_by: 'openai' }] });
    return openAIError(response, 404, `Invalid URL (${request.method} ${url.pathname})`, 'invalid_request_error');
  }, { record: options.record });
}

async function chatCompletion(request: RecordedRequest, response: ServerResponse, options: FakeOpenAIOptions, deployment?: string): Promise<void> {
  const body = request.body as Record<string, any> | string | undefined;
  if (!body || typeof body !== 'object') return openAIError(response, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
  if (!deployment && typeof body.model !== 'string') return openAIError(response, 400, "you must provide a model parameter", 'invalid_request_error', 'model');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return openAIError(response, 400, "[] is too short - 'messages'", 'invalid_request_error', 'messages', 'invalid_value');
  }
  for (const [index, message] of body.messages.entries()) {
    if (!validRoles.has(message?.role)) {
      return openAIError(response, 400, `Invalid value: '${message?.role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`, 'invalid_request_error', `messages[${index}].role`, 'invalid_value');
    }
  }
  const model = deployment ?? body.model;
  const text = lastUserText(body.messages);
  const forcedTool = body.tool_choice === 'required' || typeof body.tool_choice === 'object';
  const wantsTool = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none' && (forcedTool || text.includes('weather'));
  const toolName: string | undefined = wantsTool ? (body.tool_choice?.function?.name ?? body.tools[0].function.name) : undefined;
  const toolCall = toolName ? { id: 'call_fake0001', type: 'function' as const, function: { name: toolName, arguments: JSON.stringify({ city: 'Paris' }) } } : undefined;
  const content = toolCall ? null : `echo: ${text}`;
  const promptTokens = JSON.stringify(body.messages).length >> 2;
  const completionTokens = content ? content.split(' ').length : 12;
  const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } };
  const id = 'chatcmpl-fake' + Math.random().toString(36).slice(2, 10);
  const created = Math.floor(Date.now() / 1000);
  const finishReason = toolCall ? 'tool_calls' : 'stop';

  if (!body.stream) {
    return sendJson(response, 200, {
      id, object: 'chat.completion', created, model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, annotations: [], ...(toolCall ? { tool_calls: [toolCall] } : {}) }, logprobs: null, finish_reason: finishReason }],
      usage, service_tier: 'default', system_fingerprint: 'fp_fake',
    }, { 'x-request-id': id });
  }

  const base = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake' };
  const withUsage = body.stream_options?.include_usage === true;
  const chunk = (delta: object, finish: string | null = null) => JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(withUsage ? { usage: null } : {}) });
  const events: Array<{ data: string }> = [{ data: chunk({ role: 'assistant', content: '', refusal: null }) }];
  if (toolCall) {
    events.push({ data: chunk({ tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] }) });
    for (const piece of ['{"city"', ':"Paris"}']) events.push({ data: chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }) });
  } else {
    const words = content!.split(/(?= )/);
    const sent = options.streamErrorAfter === undefined ? words : words.slice(0, options.streamErrorAfter);
    for (const word of sent) events.push({ data: chunk({ content: word }) });
    if (options.streamErrorAfter !== undefined) {
      const error = { error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } };
      events.push({ data: JSON.stringify(error) });
      return sendEvents(response, events, { gapMs: options.chunkGapMs });
    }
  }
  events.push({ data: chunk({}, finishReason) });
  if (withUsage) events.push({ data: JSON.stringify({ ...base, choices: [], usage }) });
  events.push({ data: '[DONE]' });
  return sendEvents(response, events, { gapMs: options.chunkGapMs });
}

function embeddings(request: RecordedRequest, response: ServerResponse, deployment?: string): void {
  const body = request.body as Record<string, any> | undefined;
  if (!body || typeof body !== 'object' || body.input === undefined) {
    return openAIError(response, 400, "'input' is a required property", 'invalid_request_error', 'input');
  }
  const inputs: unknown[] = Array.isArray(body.input) && typeof body.input[0] !== 'number' ? body.input : [body.input];
  const data = inputs.map((input, index) => {
    const vector = fakeEmbedding(typeof input === 'string' ? input : JSON.stringify(input), body.dimensions ?? 8);
    return { object: 'embedding', index, embedding: body.encoding_format === 'base64' ? encodeEmbeddingBase64(vector) : vector };
  });
  const tokens = inputs.reduce<number>((sum, input) => sum + String(input).split(' ').length, 0);
  sendJson(response, 200, { object: 'list', data, model: deployment ?? body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
}
