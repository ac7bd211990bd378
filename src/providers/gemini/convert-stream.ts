import { randomBytes } from 'node:crypto';
import { ProviderResponseError, UpstreamUnavailableError } from '../../errors/gateway-errors.js';
import type { ServerSentEvent } from '../../http/parse-server-sent-events.js';
import type { ChatCompletionChunk, ChatCompletionChunkChoice } from '../../schema/chat-completion-response.js';
import { convertLogprobs } from './convert-logprobs.js';
import { convertParts } from './convert-response.js';
import { convertUsage } from './convert-usage.js';
import { mapFinishReason } from './map-finish-reason.js';
import type { GeminiCandidate, GeminiErrorBody, GeminiUsageMetadata, GenerateContentResponse } from './wire-types.js';

interface CandidateState {
  toolCallCount: number;
  finished: boolean;
}

/**
 * `streamGenerateContent?alt=sse` events → canonical chunks.
 *
 * Each event is a whole GenerateContentResponse (no `event:` names, no `[DONE]`); the stream
 * ends when the connection does. Per candidate (= choice) this yields a first chunk with
 * `role: 'assistant'`, then text / `reasoning_content` deltas, each function call as one
 * complete `tool_calls` delta (Gemini sends calls whole; the index counts calls across the
 * stream), then the finish chunk — `tool_calls` when a call was seen, as Gemini says `STOP`.
 * Last comes a usage chunk with `choices: []` built from the *last* `usageMetadata`: every
 * event carries running totals and intermediate ones can be partial.
 */
export async function* convertStream(
  provider: string,
  events: AsyncIterable<ServerSentEvent>,
  requestModel: string,
): AsyncGenerator<ChatCompletionChunk> {
  let id: string | undefined;
  let model = requestModel;
  const created = Math.floor(Date.now() / 1000);
  const candidates = new Map<number, CandidateState>();
  let usage: GeminiUsageMetadata | undefined;
  let promptFeedback: GenerateContentResponse['promptFeedback'];
  let sawEvent = false;

  const chunk = (choices: ChatCompletionChunkChoice[]): ChatCompletionChunk => ({
    id: id ?? (id = `chatcmpl-${randomBytes(12).toString('hex')}`),
    object: 'chat.completion.chunk',
    created,
    model,
    choices,
  });
  const delta = (index: number, content: ChatCompletionChunkChoice['delta'], extra: Partial<ChatCompletionChunkChoice> = {}) =>
    chunk([{ index, delta: content, finish_reason: null, ...extra }]);

  for await (const event of events) {
    if (event.data.trim() === '') continue;
    const response = parseEvent(provider, event.data);
    sawEvent = true;
    id ??= response.responseId;
    if (response.modelVersion) model = response.modelVersion;
    if (response.usageMetadata) usage = response.usageMetadata;
    if (response.promptFeedback) promptFeedback = response.promptFeedback;

    for (const [position, candidate] of (response.candidates ?? []).entries()) {
      const index = candidate.index ?? position;
      let state = candidates.get(index);
      if (!state) {
        state = { toolCallCount: 0, finished: false };
        candidates.set(index, state);
        yield delta(index, { role: 'assistant', content: '' });
      }
      const parts = convertParts(candidate.content?.parts ?? []);
      if (parts.reasoning.length > 0) yield delta(index, { reasoning_content: parts.reasoning.join('') });
      const text = parts.text.join('');
      if (text !== '') yield delta(index, { content: text }, { logprobs: convertLogprobs(candidate.logprobsResult) });
      if (parts.toolCalls.length > 0) {
        const toolCalls = parts.toolCalls.map((call) => ({ index: state!.toolCallCount++, ...call }));
        yield delta(index, { tool_calls: toolCalls });
      }
      const extras: Record<string, unknown> = {};
      if (parts.textSignature) extras.thought_signature = parts.textSignature;
      if (parts.otherParts.length > 0) extras.parts = parts.otherParts;
      if (Object.keys(extras).length > 0) yield delta(index, { gemini: extras });

      if (candidate.finishReason && !state.finished) {
        state.finished = true;
        yield finishChunk(chunk, index, candidate, state);
      }
    }
  }

  if (!sawEvent) throw new UpstreamUnavailableError(provider, 'the stream ended without any event');
  if (candidates.size === 0) {
    // The prompt was blocked (promptFeedback.blockReason): no candidate ever came.
    yield delta(0, { role: 'assistant', content: '' });
    const blocked = promptFeedback?.blockReason !== undefined;
    yield delta(0, {}, { finish_reason: blocked ? 'content_filter' : 'stop', ...(promptFeedback ? { gemini: { promptFeedback } } : {}) });
  }
  for (const [index, state] of candidates) {
    // Google always ends a candidate with a finishReason; if one never came, close it anyway so
    // clients waiting for finish_reason are not left hanging.
    if (!state.finished) yield finishChunk(chunk, index, {}, state);
  }
  if (usage) yield { ...chunk([]), usage: convertUsage(usage) };
}

function finishChunk(
  chunk: (choices: ChatCompletionChunkChoice[]) => ChatCompletionChunk,
  index: number,
  candidate: GeminiCandidate,
  state: CandidateState,
): ChatCompletionChunk {
  const choice: ChatCompletionChunkChoice = {
    index,
    delta: {},
    finish_reason: mapFinishReason(candidate.finishReason, state.toolCallCount > 0),
  };
  // Raw finish reason, finishMessage, safety ratings, grounding: kept under the provider key.
  const { content: _content, index: _index, logprobsResult: _logprobs, ...extras } = candidate;
  if (Object.keys(extras).length > 0) choice.gemini = extras;
  return chunk([choice]);
}

function parseEvent(provider: string, data: string): GenerateContentResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new UpstreamUnavailableError(provider, 'the stream sent an event that is not JSON');
  }
  const body = (Array.isArray(parsed) ? parsed[0] : parsed) as (GenerateContentResponse & Partial<GeminiErrorBody>) | null;
  if (!body || typeof body !== 'object') throw new UpstreamUnavailableError(provider, 'the stream sent an event that is not an object');
  if (body.error) {
    // Google reports a failure after the headers as an event holding its usual error body.
    const error = body.error as Partial<GeminiErrorBody['error']>;
    const status = typeof error.code === 'number' ? error.code : 500;
    throw new ProviderResponseError(provider, status, error.message ?? 'error in the stream', {
      type: error.status,
      upstreamBody: data,
    });
  }
  return body as GenerateContentResponse;
}
