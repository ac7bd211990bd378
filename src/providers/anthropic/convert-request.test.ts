import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatCompletionRequestSchema } from '../../schema/chat-completion-request.js';
import { convertRequest, type ConvertRequestOptions } from './convert-request.js';

/** Parses the request like the gateway's edge does, then converts it, collecting warnings. */
function convert(request: Record<string, unknown>, options: Partial<ConvertRequestOptions> = {}) {
  const warnings: string[] = [];
  const parsed = chatCompletionRequestSchema.parse({ model: 'claude-sonnet-4-5', ...request });
  const result = convertRequest(parsed, { anthropicVersion: '2023-06-01', warn: (message) => warnings.push(message), ...options });
  return { ...result, warnings };
}

const hello = [{ role: 'user', content: 'Hello' }];

test('the body carries model, converted system and messages, and no stream flag', () => {
  const { body, jsonResponseToolName, warnings } = convert({ messages: [{ role: 'system', content: 'Be brief.' }, ...hello], stream: true });
  assert.deepEqual(body, {
    model: 'claude-sonnet-4-5',
    system: 'Be brief.',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
    max_tokens: 4096,
  });
  assert.equal(jsonResponseToolName, undefined);
  assert.deepEqual(warnings, []);
});

test('max_tokens comes from max_completion_tokens, max_tokens, the config default, then 4096', () => {
  assert.equal(convert({ messages: hello, max_completion_tokens: 100, max_tokens: 200 }, { defaultMaxTokens: 300 }).body.max_tokens, 100);
  assert.equal(convert({ messages: hello, max_tokens: 200 }, { defaultMaxTokens: 300 }).body.max_tokens, 200);
  assert.equal(convert({ messages: hello }, { defaultMaxTokens: 300 }).body.max_tokens, 300);
  assert.equal(convert({ messages: hello }).body.max_tokens, 4096);
});

test('stop, temperature, top_p and user map to their Anthropic names', () => {
  const { body, warnings } = convert({ messages: hello, stop: '\n\nHuman:', temperature: 0.3, top_p: 0.9, user: 'user-42' });
  assert.deepEqual(body.stop_sequences, ['\n\nHuman:']);
  assert.equal(body.temperature, 0.3);
  assert.equal(body.top_p, 0.9);
  assert.deepEqual(body.metadata, { user_id: 'user-42' });
  assert.deepEqual(warnings, []);
  assert.deepEqual(convert({ messages: hello, stop: ['END', 'STOP'] }).body.stop_sequences, ['END', 'STOP']);
});

test('a temperature above Anthropic\'s maximum is capped at 1 with a warning', () => {
  const { body, warnings } = convert({ messages: hello, temperature: 1.6 });
  assert.equal(body.temperature, 1);
  assert.match(warnings[0], /temperature 1\.6/);
});

test('with anthropic-version 2026-10-21 sampling parameters are reported, not sent', () => {
  const { body, warnings } = convert({ messages: hello, temperature: 0.2, top_p: 0.5, anthropic: { top_k: 5 } }, { anthropicVersion: '2026-10-21' });
  assert.equal(body.temperature, undefined);
  assert.equal(body.top_p, undefined);
  assert.equal(body.top_k, 5, 'an explicit Anthropic extra is sent as given');
  assert.equal(warnings.length, 3);
  assert.match(warnings.join('\n'), /temperature is rejected by anthropic-version 2026-10-21/);
});

test('tools map to name, description and input_schema, with an empty object schema by default', () => {
  const parameters = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
  const { body } = convert({
    messages: hello,
    tools: [
      { type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters, strict: true } },
      { type: 'function', function: { name: 'list_issues' } },
    ],
  });
  assert.deepEqual(body.tools, [
    { name: 'get_weather', description: 'Weather by city', input_schema: parameters, strict: true },
    { name: 'list_issues', input_schema: { type: 'object', properties: {} } },
  ]);
  assert.equal(body.tool_choice, undefined);
});

test('tool_choice and parallel_tool_calls map to Anthropic tool_choice', () => {
  const tools = [{ type: 'function', function: { name: 'f' } }];
  const choiceFor = (extra: Record<string, unknown>) => convert({ messages: hello, tools, ...extra }).body.tool_choice;
  assert.deepEqual(choiceFor({ tool_choice: 'auto' }), { type: 'auto' });
  assert.deepEqual(choiceFor({ tool_choice: 'required' }), { type: 'any' });
  assert.deepEqual(choiceFor({ tool_choice: 'none' }), { type: 'none' });
  assert.deepEqual(choiceFor({ tool_choice: { type: 'function', function: { name: 'f' } } }), { type: 'tool', name: 'f' });
  assert.deepEqual(choiceFor({ parallel_tool_calls: false }), { type: 'auto', disable_parallel_tool_use: true });
  assert.deepEqual(choiceFor({ tool_choice: 'required', parallel_tool_calls: false }), { type: 'any', disable_parallel_tool_use: true });
  assert.deepEqual(choiceFor({ tool_choice: 'none', parallel_tool_calls: false }), { type: 'none' });
});

test('tool_choice without tools is reported and not sent', () => {
  const { body, warnings } = convert({ messages: hello, tool_choice: 'required' });
  assert.equal(body.tool_choice, undefined);
  assert.match(warnings[0], /tool_choice was given without tools/);
});

test('response_format json_schema becomes a forced tool named json', () => {
  const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
  const { body, jsonResponseToolName } = convert({
    messages: hello,
    response_format: { type: 'json_schema', json_schema: { name: 'math', schema } },
  });
  assert.equal(jsonResponseToolName, 'json');
  assert.deepEqual(body.tools, [{ name: 'json', description: 'Respond with your answer as JSON matching the "math" schema.', input_schema: schema }]);
  assert.deepEqual(body.tool_choice, { type: 'tool', name: 'json' });
});

test('response_format json_object with client tools lets the model call a tool or answer in JSON', () => {
  const { body, jsonResponseToolName } = convert({
    messages: hello,
    tools: [{ type: 'function', function: { name: 'json' } }],
    response_format: { type: 'json_object' },
  });
  assert.equal(jsonResponseToolName, 'json_response_1', 'a client tool already uses the name json');
  assert.deepEqual(body.tools?.map((tool) => tool.name), ['json', 'json_response_1']);
  assert.deepEqual(body.tools?.[1].input_schema, { type: 'object', additionalProperties: true });
  assert.deepEqual(body.tool_choice, { type: 'any' });
});

test('response_format with thinking asks for the JSON tool in the system prompt instead of forcing it', () => {
  const { body, warnings } = convert({
    messages: [{ role: 'system', content: 'Be exact.' }, ...hello],
    response_format: { type: 'json_object' },
    anthropic: { thinking: { type: 'enabled', budget_tokens: 2048 } },
  });
  assert.deepEqual(body.tool_choice, { type: 'auto' });
  assert.match(String(body.system), /^Be exact\.\n\nGive your final answer by calling the "json" tool/);
  assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
  assert.match(warnings[0], /requested by instruction, not forced/);
});

test('parameters Anthropic cannot take are warned about; neutral values are not', () => {
  const { body, warnings } = convert({
    messages: hello,
    n: 2,
    presence_penalty: 0.5,
    frequency_penalty: 0.3,
    logprobs: true,
    top_logprobs: 2,
    seed: 7,
    logit_bias: { '50256': -100 },
    reasoning_effort: 'high',
    some_future_param: 'x',
    gemini: { safety_settings: [] },
  });
  const reported = warnings.map((warning) => warning.split(' ')[0]);
  assert.deepEqual(reported.sort(), ['frequency_penalty', 'logit_bias', 'logprobs', 'n', 'presence_penalty', 'reasoning_effort', 'seed', 'some_future_param', 'top_logprobs']);
  for (const key of ['n', 'seed', 'logit_bias', 'some_future_param', 'gemini']) assert.equal(key in body, false);

  const neutral = convert({ messages: hello, n: 1, presence_penalty: 0, frequency_penalty: 0, logprobs: false, stream: true, stream_options: { include_usage: true } });
  assert.deepEqual(neutral.warnings, []);
});

test('extras under the anthropic key are merged into the body', () => {
  const { body, warnings } = convert({
    messages: hello,
    user: 'u1',
    anthropic: { thinking: { type: 'enabled', budget_tokens: 1024 }, top_k: 5, metadata: { trace: 'x' } },
  });
  assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 1024 });
  assert.equal(body.top_k, 5);
  assert.deepEqual(body.metadata, { user_id: 'u1', trace: 'x' });
  assert.equal('anthropic' in body, false);
  assert.deepEqual(warnings, []);
  assert.match(convert({ messages: hello, anthropic: 'fast' }).warnings[0], /anthropic must be an object/);
});
