import { randomBytes } from 'node:crypto';
import type { ChatCompletion, ChatCompletionChoice, ChatCompletionMessage, ToolCall } from '../../schema/chat-completion-response.js';
import { convertLogprobs } from './convert-logprobs.js';
import { convertUsage } from './convert-usage.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mintToolCallId } from './thought-signature.js';
import type { GeminiCandidate, GeminiPart, GenerateContentResponse } from './wire-types.js';

/** What the parts of one candidate amount to in OpenAI terms. */
export interface ConvertedParts {
  text: string[];
  /** Thought summaries (`thought: true` parts). */
  reasoning: string[];
  toolCalls: ToolCall[];
  /** The signature Gemini put on a text part (Gemini 3), kept for the replay. */
  textSignature?: string;
  /** Parts with no OpenAI counterpart (inlineData output, executableCode, …), passed on raw. */
  otherParts: GeminiPart[];
}

/**
 * Sorts a candidate's parts. Thought summaries are kept out of `content` (a client showing
 * content would show the model's musings) and returned as `reasoning_content`, the field
 * DeepSeek introduced and OpenAI-compatible clients read for reasoning text. Function calls
 * get minted ids that carry their thought signature (see thought-signature.ts).
 */
export function convertParts(parts: GeminiPart[]): ConvertedParts {
  const converted: ConvertedParts = { text: [], reasoning: [], toolCalls: [], otherParts: [] };
  for (const part of parts) {
    if (part.functionCall) {
      converted.toolCalls.push({
        id: mintToolCallId(part.thoughtSignature),
        type: 'function',
        function: { name: part.functionCall.name, arguments: JSON.stringify(part.functionCall.args ?? {}) },
      });
    } else if (typeof part.text === 'string') {
      if (part.thought) converted.reasoning.push(part.text);
      else {
        converted.text.push(part.text);
        if (part.thoughtSignature) converted.textSignature = part.thoughtSignature;
      }
    } else if (Object.keys(part).some((key) => key !== 'thoughtSignature')) {
      converted.otherParts.push(part);
    }
  }
  return converted;
}

/** `generateContent` response → OpenAI chat completion: one choice per candidate. */
export function convertResponse(response: GenerateContentResponse, requestModel: string): ChatCompletion {
  const candidates = response.candidates ?? [];
  const choices = candidates.map((candidate, position) => convertCandidate(candidate, position));
  if (choices.length === 0) {
    // No candidate: the prompt itself was blocked (promptFeedback.blockReason). OpenAI clients
    // expect choices[0]; an empty one with content_filter says what happened.
    const blocked = response.promptFeedback?.blockReason !== undefined;
    choices.push({
      index: 0,
      message: { role: 'assistant', content: null },
      finish_reason: blocked ? 'content_filter' : 'stop',
      logprobs: null,
    });
  }
  const completion: ChatCompletion = {
    id: response.responseId ?? `chatcmpl-${randomBytes(12).toString('hex')}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: response.modelVersion ?? requestModel,
    choices,
  };
  if (response.usageMetadata) completion.usage = convertUsage(response.usageMetadata);
  if (response.promptFeedback) completion.gemini = { promptFeedback: response.promptFeedback };
  return completion;
}

function convertCandidate(candidate: GeminiCandidate, position: number): ChatCompletionChoice {
  const parts = convertParts(candidate.content?.parts ?? []);
  const message: ChatCompletionMessage = {
    role: 'assistant',
    content: parts.text.length > 0 ? parts.text.join('') : null,
  };
  if (parts.reasoning.length > 0) message.reasoning_content = parts.reasoning.join('');
  if (parts.toolCalls.length > 0) message.tool_calls = parts.toolCalls;
  const messageExtras: Record<string, unknown> = {};
  if (parts.textSignature) messageExtras.thought_signature = parts.textSignature;
  if (parts.otherParts.length > 0) messageExtras.parts = parts.otherParts;
  if (Object.keys(messageExtras).length > 0) message.gemini = messageExtras;

  const choice: ChatCompletionChoice = {
    index: candidate.index ?? position,
    message,
    finish_reason: mapFinishReason(candidate.finishReason, parts.toolCalls.length > 0),
    logprobs: convertLogprobs(candidate.logprobsResult),
  };
  // The raw finish reason, finishMessage, safety ratings, grounding and citations have no
  // OpenAI field; they stay under the provider's key rather than being dropped.
  const { content: _content, index: _index, logprobsResult: _logprobs, ...candidateExtras } = candidate;
  if (Object.keys(candidateExtras).length > 0) choice.gemini = candidateExtras;
  return choice;
}
