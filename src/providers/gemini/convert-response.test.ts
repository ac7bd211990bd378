import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonFixture } from '../../testing/read-fixture.js';
import { convertResponse } from './convert-response.js';
import { thoughtSignatureFromToolCallId } from './thought-signature.js';
import type { GenerateContentResponse } from './wire-types.js';

/** js-genai recordings wrap bodies: interactions[i].response.bodySegments[j]. */
interface Recording {
  interactions: Array<{ response: { statusCode: number; bodySegments: GenerateContentResponse[] } }>;
}
const recorded = (name: string, interaction = 0) => readJsonFixture<Recording>(`gemini/${name}`).interactions[interaction].response.bodySegments;

test('google-text.json: text, stop, usage with thoughts as reasoning tokens, id and model from the response', () => {
  const response = readJsonFixture<GenerateContentResponse>('gemini/google-text.json');
  const completion = convertResponse(response, 'requested-model');
  assert.equal(completion.id, 'Un6LacrVMcjUxs0PmJfWoQc');
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'gemini-3-pro-preview');
  assert.equal(completion.choices.length, 1);
  const [choice] = completion.choices;
  assert.equal(choice.message.content, "There are **3** r's in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.");
  assert.equal(choice.finish_reason, 'stop');
  assert.equal(choice.message.tool_calls, undefined);
  assert.deepEqual(choice.message.gemini, { thought_signature: response.candidates?.[0].content?.parts[0].thoughtSignature });
  assert.deepEqual(completion.usage, {
    prompt_tokens: 9,
    completion_tokens: 28 + 244,
    total_tokens: 281,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 244 },
  });
  assert.equal(completion.usage!.prompt_tokens + completion.usage!.completion_tokens, completion.usage!.total_tokens);
});

test('google-tool-call.json: a functionCall becomes a tool call with a minted id carrying its signature', () => {
  const response = readJsonFixture<GenerateContentResponse>('gemini/google-tool-call.json');
  const [choice] = convertResponse(response, 'gemini-3-pro-preview').choices;
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.content, null);
  assert.equal(choice.message.tool_calls?.length, 1);
  const [call] = choice.message.tool_calls!;
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'weather');
  assert.deepEqual(JSON.parse(call.function.arguments), { location: 'San Francisco' });
  assert.match(call.id, /^call_[0-9a-f]{24}__ts_[A-Za-z0-9_-]+$/);
  assert.equal(thoughtSignatureFromToolCallId(call.id), response.candidates?.[0].content?.parts[0].thoughtSignature);
  // Gemini's own finish details are kept under the provider key.
  assert.equal((choice.gemini as Record<string, unknown>).finishReason, 'STOP');
  assert.equal((choice.gemini as Record<string, unknown>).finishMessage, 'Model generated function call(s).');
});

test('minted tool-call ids are unique', () => {
  const response = readJsonFixture<GenerateContentResponse>('gemini/google-tool-call.json');
  const first = convertResponse(response, 'm').choices[0].message.tool_calls![0].id;
  const second = convertResponse(response, 'm').choices[0].message.tool_calls![0].id;
  assert.notEqual(first, second);
});

test('thinking recording: a thought part goes to reasoning_content, not content; MAX_TOKENS is length', () => {
  const [body] = recorded('Client_Tests_test_thinking_generate_content_should_return_thought_field.json');
  const thought = body.candidates?.[0].content?.parts[0];
  assert.equal(thought?.thought, true);
  const completion = convertResponse(body, 'gemini-2.0-flash-thinking-exp');
  const [choice] = completion.choices;
  assert.equal(choice.message.content, null);
  assert.equal(choice.message.reasoning_content, thought?.text);
  assert.match(String(choice.message.reasoning_content), /^\*\*Breaking Down the Sum of Natural Numbers\*\*/);
  assert.equal(choice.finish_reason, 'length');
  assert.equal(completion.model, 'gemini-2.0-flash-thinking-exp-01-21');
  assert.deepEqual(completion.usage, {
    prompt_tokens: 17,
    completion_tokens: 19,
    total_tokens: 36,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 19 },
  });
});

test('structured-output recording: cached tokens are reported and counted inside prompt tokens', () => {
  const [body] = recorded('Client_Tests_generateContent_ML_Dev_should_generate_content_with_given_valid_json_schema_in_responseSchema.json');
  const completion = convertResponse(body, 'gemini-2.5-flash');
  assert.equal(completion.usage?.prompt_tokens, 5);
  assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 3);
  assert.equal(completion.usage?.completion_tokens, 238 + 41);
  assert.equal(completion.usage?.completion_tokens_details?.reasoning_tokens, 41);
  assert.equal(completion.usage?.total_tokens, 284);
  const parsed = JSON.parse(completion.choices[0].message.content as string) as Record<string, unknown>;
  assert.equal(parsed.simpleString, 'example');
  assert.equal(parsed.integerInt64, 9876543210);
});

test('function-calling recording without signatures: plain ids, args kept, then the text answer', () => {
  const [callTurn] = recorded('non-streaming_Tests_generateContent_afc_enabled_Google_AI_AFC_enabled.json', 0);
  const [choice] = convertResponse(callTurn, 'gemini-2.0-flash').choices;
  assert.equal(choice.finish_reason, 'tool_calls');
  const [call] = choice.message.tool_calls!;
  assert.equal(call.function.name, 'customDivide');
  assert.deepEqual(JSON.parse(call.function.arguments), { denominator: 2, numerator: 10 });
  assert.match(call.id, /^call_[0-9a-f]{24}$/);
  assert.equal(thoughtSignatureFromToolCallId(call.id), undefined);
  // The candidate has no `index`: the position stands in.
  assert.equal(choice.index, 0);

  const [answerTurn] = recorded('non-streaming_Tests_generateContent_afc_enabled_Google_AI_AFC_enabled.json', 1);
  const answer = convertResponse(answerTurn, 'gemini-2.0-flash');
  assert.equal(answer.choices[0].message.content, "I've divided 10 by 2 using the customDivide function, and the result is 42.\n");
  assert.equal(answer.choices[0].finish_reason, 'stop');
  assert.deepEqual([answer.usage?.prompt_tokens, answer.usage?.completion_tokens, answer.usage?.total_tokens], [27, 25, 52]);
});

test('a blocked prompt (no candidates) gives one content_filter choice and keeps promptFeedback', () => {
  const response: GenerateContentResponse = {
    promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
    usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
    modelVersion: 'gemini-2.5-flash',
  };
  const completion = convertResponse(response, 'gemini-2.5-flash');
  assert.equal(completion.choices.length, 1);
  assert.equal(completion.choices[0].finish_reason, 'content_filter');
  assert.equal(completion.choices[0].message.content, null);
  assert.deepEqual(completion.gemini, { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } });
  assert.equal(completion.usage?.prompt_tokens, 12);
  assert.match(completion.id, /^chatcmpl-/);
});

test('several candidates become several choices; a safety stop is content_filter', () => {
  const response: GenerateContentResponse = {
    candidates: [
      { index: 0, content: { role: 'model', parts: [{ text: 'One' }, { text: ' two' }] }, finishReason: 'STOP' },
      { index: 1, content: { role: 'model', parts: [{ text: 'Partial' }] }, finishReason: 'SAFETY', safetyRatings: [] },
    ],
  };
  const completion = convertResponse(response, 'gemini-2.5-flash');
  assert.deepEqual(
    completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason]),
    [
      [0, 'One two', 'stop'],
      [1, 'Partial', 'content_filter'],
    ],
  );
  assert.equal(completion.usage, undefined);
  assert.equal(completion.model, 'gemini-2.5-flash');
});

test('logprobsResult becomes OpenAI logprobs with top alternatives', () => {
  const response: GenerateContentResponse = {
    candidates: [
      {
        content: { role: 'model', parts: [{ text: 'Hi!' }] },
        finishReason: 'STOP',
        logprobsResult: {
          chosenCandidates: [
            { token: 'Hi', logProbability: -0.1 },
            { token: '!', logProbability: -0.5 },
          ],
          topCandidates: [
            { candidates: [{ token: 'Hi', logProbability: -0.1 }, { token: 'Hello', logProbability: -2.5 }] },
            { candidates: [{ token: '!', logProbability: -0.5 }] },
          ],
        },
      },
    ],
  };
  const logprobs = convertResponse(response, 'm').choices[0].logprobs as { content: Array<Record<string, unknown>> };
  assert.equal(logprobs.content.length, 2);
  assert.deepEqual(logprobs.content[0], {
    token: 'Hi',
    logprob: -0.1,
    bytes: [72, 105],
    top_logprobs: [
      { token: 'Hi', logprob: -0.1, bytes: [72, 105] },
      { token: 'Hello', logprob: -2.5, bytes: [72, 101, 108, 108, 111] },
    ],
  });
});

test('parts without an OpenAI counterpart are kept under message.gemini.parts', () => {
  const code = { executableCode: { language: 'PYTHON', code: 'print(1)' } };
  const response: GenerateContentResponse = {
    candidates: [{ content: { role: 'model', parts: [code, { text: 'Done' }] }, finishReason: 'STOP' }],
  };
  const message = convertResponse(response, 'm').choices[0].message;
  assert.equal(message.content, 'Done');
  assert.deepEqual(message.gemini, { parts: [code] });
});
