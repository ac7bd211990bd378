import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '../../errors/gateway-errors.js';
import { chatCompletionRequestSchema, type ChatCompletionRequest } from '../../schema/chat-completion-request.js';
import { readChunkFixture, readJsonFixture } from '../../testing/read-fixture.js';
import { convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { mintToolCallId, skipThoughtSignatureValidator } from './thought-signature.js';
import type { GenerateContentResponse } from './wire-types.js';

/** Validates like the gateway's edge does, then converts, collecting warnings. */
function convert(input: Record<string, unknown>) {
  const request = chatCompletionRequestSchema.parse({ model: 'gemini-2.5-flash', ...input }) as ChatCompletionRequest;
  const warnings: string[] = [];
  const body = convertRequest(request, (message) => warnings.push(message));
  return { body, warnings };
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'weather',
    description: 'Weather at a place',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false },
  },
};

test('system and developer messages become systemInstruction; roles map to user/model; same roles merge', () => {
  const { body, warnings } = convert({
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hello' },
      { role: 'user', content: [{ type: 'text', text: 'Are you there?' }] },
      { role: 'assistant', content: 'Yes.' },
      { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
      { role: 'user', content: 'Bye' },
    ],
  });
  assert.deepEqual(body.systemInstruction, { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] });
  assert.deepEqual(body.contents, [
    { role: 'user', parts: [{ text: 'Hello' }, { text: 'Are you there?' }] },
    { role: 'model', parts: [{ text: 'Yes.' }] },
    { role: 'user', parts: [{ text: 'Bye' }] },
  ]);
  assert.equal(body.generationConfig, undefined);
  assert.deepEqual(warnings, []);
});

test('a request of system messages only sends them as the user turn (Gemini rejects empty contents)', () => {
  const { body } = convert({ messages: [{ role: 'system', content: 'Say hi.' }] });
  assert.equal(body.systemInstruction, undefined);
  assert.deepEqual(body.contents, [{ role: 'user', parts: [{ text: 'Say hi.' }] }]);
});

test('sampling parameters map onto generationConfig', () => {
  const { body, warnings } = convert({
    messages: [{ role: 'user', content: 'x' }],
    temperature: 0.3,
    top_p: 0.8,
    max_tokens: 50,
    max_completion_tokens: 70,
    stop: 'END',
    n: 2,
    presence_penalty: 0.5,
    frequency_penalty: -0.5,
    seed: 7,
    logprobs: true,
    top_logprobs: 3,
  });
  assert.deepEqual(body.generationConfig, {
    temperature: 0.3,
    topP: 0.8,
    maxOutputTokens: 70,
    stopSequences: ['END'],
    candidateCount: 2,
    presencePenalty: 0.5,
    frequencyPenalty: -0.5,
    seed: 7,
    responseLogprobs: true,
    logprobs: 3,
  });
  assert.deepEqual(warnings, []);
  assert.equal(convert({ messages: [{ role: 'user', content: 'x' }], max_tokens: 9, stop: ['a', 'b'] }).body.generationConfig?.maxOutputTokens, 9);
});

test('response_format json_object and json_schema set the MIME type and the plain JSON Schema', () => {
  const jsonObject = convert({ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } });
  assert.deepEqual(jsonObject.body.generationConfig, { responseMimeType: 'application/json' });

  const schema = { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false };
  const jsonSchema = convert({
    messages: [{ role: 'user', content: 'x' }],
    response_format: { type: 'json_schema', json_schema: { name: 'thing', schema, strict: true } },
  });
  assert.deepEqual(jsonSchema.body.generationConfig, { responseMimeType: 'application/json', responseJsonSchema: schema });
  assert.match(jsonSchema.warnings.join('\n'), /strict/);
});

test('tools become functionDeclarations with the JSON Schema as parametersJsonSchema', () => {
  const { body } = convert({ messages: [{ role: 'user', content: 'x' }], tools: [weatherTool, { type: 'function', function: { name: 'now' } }] });
  assert.deepEqual(body.tools, [
    {
      functionDeclarations: [
        { name: 'weather', description: 'Weather at a place', parametersJsonSchema: weatherTool.function.parameters },
        { name: 'now' },
      ],
    },
  ]);
  assert.equal(body.toolConfig, undefined);
});

test('tool_choice maps to functionCallingConfig modes', () => {
  const cases: Array<[unknown, unknown]> = [
    ['auto', { mode: 'AUTO' }],
    ['none', { mode: 'NONE' }],
    ['required', { mode: 'ANY' }],
    [{ type: 'function', function: { name: 'weather' } }, { mode: 'ANY', allowedFunctionNames: ['weather'] }],
  ];
  for (const [choice, expected] of cases) {
    const { body } = convert({ messages: [{ role: 'user', content: 'x' }], tools: [weatherTool], tool_choice: choice });
    assert.deepEqual(body.toolConfig, { functionCallingConfig: expected }, `tool_choice ${JSON.stringify(choice)}`);
  }
  const withoutTools = convert({ messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' });
  assert.equal(withoutTools.body.toolConfig, undefined);
  assert.match(withoutTools.warnings.join('\n'), /tool_choice/);
});

test('assistant tool calls become functionCall parts and tool results functionResponse parts named after the call', () => {
  const { body } = convert({
    messages: [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"location":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'forecast', arguments: '' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_b', content: 'rain tomorrow' },
      { role: 'tool', tool_call_id: 'call_a', content: '{"celsius":21}' },
      { role: 'user', content: 'Thanks' },
    ],
  });
  assert.deepEqual(body.contents, [
    { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
    {
      role: 'model',
      parts: [
        { text: 'Checking.' },
        { functionCall: { name: 'weather', args: { location: 'Paris' } } },
        { functionCall: { name: 'forecast', args: {} } },
      ],
    },
    {
      role: 'user',
      parts: [
        { functionResponse: { name: 'forecast', response: { result: 'rain tomorrow' } } },
        { functionResponse: { name: 'weather', response: { result: { celsius: 21 } } } },
        { text: 'Thanks' },
      ],
    },
  ]);
});

test('invalid tool-call arguments and unknown tool_call_ids are InvalidRequestErrors naming the message', () => {
  const badArguments = () =>
    convert({
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{not json' } }] },
      ],
    });
  assert.throws(badArguments, (error: unknown) => {
    assert.ok(error instanceof InvalidRequestError);
    assert.equal(error.status, 400);
    assert.equal(error.param, 'messages[1].tool_calls[0].function.arguments');
    return true;
  });
  const arrayArguments = () =>
    convert({ messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '[1]' } }] }] });
  assert.throws(arrayArguments, /must be a JSON object/);
  const unknownId = () => convert({ messages: [{ role: 'user', content: 'x' }, { role: 'tool', tool_call_id: 'nope', content: '1' }] });
  assert.throws(unknownId, (error: unknown) => error instanceof InvalidRequestError && error.param === 'messages[1].tool_call_id');
});

test('a function call thoughtSignature survives response → client → request, byte for byte', () => {
  const recorded = readJsonFixture<GenerateContentResponse>('gemini/google-tool-call.json');
  const signature = recorded.candidates?.[0].content?.parts[0].thoughtSignature;
  assert.ok(signature);
  const completion = convertResponse(recorded, 'gemini-3-pro-preview');
  const message = completion.choices[0].message;
  // What an OpenAI client sends back: the assistant message as received, then the tool result.
  const replay = { role: 'assistant', content: message.content, tool_calls: message.tool_calls };
  const toolCallId = message.tool_calls![0].id;
  const { body } = convert({
    model: 'gemini-3-pro-preview',
    messages: [{ role: 'user', content: 'Weather?' }, replay, { role: 'tool', tool_call_id: toolCallId, content: 'sunny' }],
  });
  assert.deepEqual(body.contents[1], {
    role: 'model',
    parts: [{ functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: signature }],
  });
  assert.deepEqual(body.contents[2].parts[0], { functionResponse: { name: 'weather', response: { result: 'sunny' } } });
});

test('a streamed signature with base64 padding and "+/" characters round-trips too', () => {
  const events = readChunkFixture<GenerateContentResponse>('gemini/google-tool-call.chunks.txt');
  const signature = events[0].candidates?.[0].content?.parts[0].thoughtSignature as string;
  assert.match(signature, /[+/]/);
  assert.match(signature, /=$/);
  const { body } = convert({
    model: 'models/gemini-3-pro-preview',
    messages: [{ role: 'assistant', content: null, tool_calls: [{ id: mintToolCallId(signature), type: 'function', function: { name: 'weather', arguments: '{}' } }] }],
  });
  assert.equal(body.contents[0].parts[0].thoughtSignature, signature);
});

test('Gemini 3 history without signatures gets Google’s skip placeholder on the first call only', () => {
  const messages = [
    { role: 'user', content: 'x' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_from_openai_1', type: 'function', function: { name: 'a', arguments: '{}' } },
        { id: 'call_from_openai_2', type: 'function', function: { name: 'b', arguments: '{}' } },
      ],
    },
  ];
  const gemini3 = convert({ model: 'gemini-3-pro-preview', messages }).body.contents[1].parts;
  assert.equal(gemini3[0].thoughtSignature, skipThoughtSignatureValidator);
  assert.equal(gemini3[1].thoughtSignature, undefined);
  const gemini25 = convert({ model: 'gemini-2.5-flash', messages }).body.contents[1].parts;
  assert.equal(gemini25[0].thoughtSignature, undefined);
});

test('a text thoughtSignature returned under message.gemini goes back on the last text part', () => {
  const recorded = readJsonFixture<GenerateContentResponse>('gemini/google-text.json');
  const message = convertResponse(recorded, 'gemini-3-pro-preview').choices[0].message;
  const { body } = convert({ model: 'gemini-3-pro-preview', messages: [{ role: 'user', content: 'r?' }, { ...message }] });
  assert.deepEqual(body.contents[1].parts, [{ text: message.content, thoughtSignature: recorded.candidates?.[0].content?.parts[0].thoughtSignature }]);
});

test('parameters Gemini cannot take are reported through warn, once each', () => {
  const { body, warnings } = convert({
    messages: [{ role: 'user', content: 'x', name: 'alice' }, { role: 'user', content: 'y', name: 'alice' }],
    logit_bias: { '50256': -100 },
    user: 'end-user-1',
    store: true,
    parallel_tool_calls: false,
    tools: [weatherTool],
  });
  assert.deepEqual(warnings.sort(), [
    'messages[0].name is not supported by Gemini and was ignored',
    'messages[1].name is not supported by Gemini and was ignored',
    'parallel_tool_calls: false is not supported by Gemini (it may call several functions at once) and was ignored',
    'parameter "logit_bias" is not supported by Gemini and was ignored',
    'parameter "store" is not supported by Gemini and was ignored',
    'parameter "user" is not supported by Gemini and was ignored',
  ]);
  assert.equal((body as Record<string, unknown>).logit_bias, undefined);
});

test('keys under `gemini` are merged into the body, objects key by key', () => {
  const safetySettings = [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }];
  const { body, warnings } = convert({
    messages: [{ role: 'user', content: 'x' }],
    temperature: 0.2,
    gemini: { safetySettings, generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 512 } }, cachedContent: 'cachedContents/abc' },
  });
  assert.deepEqual(body.safetySettings, safetySettings);
  assert.deepEqual(body.generationConfig, { temperature: 0.2, thinkingConfig: { includeThoughts: true, thinkingBudget: 512 } });
  assert.equal(body.cachedContent, 'cachedContents/abc');
  assert.deepEqual(warnings, []);
});

test('reasoning_effort becomes a thinking level on Gemini 3 and a budget on Gemini 2.5', () => {
  const gemini3 = convert({ model: 'gemini-3-pro-preview', messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'low' });
  assert.deepEqual(gemini3.body.generationConfig?.thinkingConfig, { thinkingLevel: 'LOW' });
  const gemini25 = convert({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'high' });
  assert.deepEqual(gemini25.body.generationConfig?.thinkingConfig, { thinkingBudget: 24576 });
  const unknown = convert({ messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'extreme' });
  assert.equal(unknown.body.generationConfig, undefined);
  assert.match(unknown.warnings[0], /extreme/);
});

test('parts kept under message.gemini.parts are replayed with the assistant turn', () => {
  const code = { executableCode: { language: 'PYTHON', code: 'print(6 * 7)' } };
  const output = { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '42' } };
  const { body } = convert({
    messages: [{ role: 'user', content: 'Compute' }, { role: 'assistant', content: 'It is 42.', gemini: { parts: [code, output] } }],
  });
  assert.deepEqual(body.contents[1], { role: 'model', parts: [{ text: 'It is 42.' }, code, output] });
});
