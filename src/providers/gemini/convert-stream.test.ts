import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderResponseError, UpstreamUnavailableError } from '../../errors/gateway-errors.js';
import { parseServerSentEvents } from '../../http/parse-server-sent-events.js';
import type { ChatCompletionChunk } from '../../schema/chat-completion-response.js';
import { readChunkFixture, readJsonFixture } from '../../testing/read-fixture.js';
import { convertStream } from './convert-stream.js';
import { thoughtSignatureFromToolCallId } from './thought-signature.js';
import type { GenerateContentResponse } from './wire-types.js';

interface Recording {
  interactions: Array<{ response: { bodySegments: unknown[] } }>;
}
const segments = (name: string, interaction = 0) => readJsonFixture<Recording>(`gemini/${name}`).interactions[interaction].response.bodySegments;

/** Delivers text in small byte pieces, as a socket may, so events straddle reads. */
async function* piecesOf(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text);
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}

/** Rebuilds the SSE bytes Google sends (CRLF CRLF after every event) and converts them. */
async function convert(payloads: unknown[], model = 'requested-model'): Promise<ChatCompletionChunk[]> {
  const wire = payloads.map((payload) => `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\r\n\r\n`).join('');
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of convertStream('gemini', parseServerSentEvents(piecesOf(wire)), model)) chunks.push(chunk);
  return chunks;
}

const contentOf = (chunks: ChatCompletionChunk[], index = 0) =>
  chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.index === index).map((choice) => choice.delta.content ?? '')).join('');
const finishOf = (chunks: ChatCompletionChunk[], index = 0) =>
  chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.index === index && choice.finish_reason !== null)).map((choice) => choice.finish_reason);

test('google-text.chunks.txt: role first, text deltas, stop, then usage from the last event', async () => {
  const events = readChunkFixture<GenerateContentResponse>('gemini/google-text.chunks.txt');
  const chunks = await convert(events);
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
  assert.equal(contentOf(chunks), 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
  assert.equal(contentOf(chunks), events.map((event) => event.candidates?.[0].content?.parts[0].text).join(''));
  assert.deepEqual(finishOf(chunks), ['stop']);
  for (const chunk of chunks) {
    assert.equal(chunk.id, 'bH6LaZW8Fp_3nsEPqtaSwQ4');
    assert.equal(chunk.model, 'gemini-3-pro-preview');
    assert.equal(chunk.object, 'chat.completion.chunk');
  }
  const last = chunks[chunks.length - 1];
  assert.deepEqual(last.choices, []);
  assert.deepEqual(last.usage, {
    prompt_tokens: 9,
    completion_tokens: 23 + 185,
    total_tokens: 217,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 185 },
  });
  // The signature on the final empty text part is passed on under the provider key.
  const signatures = chunks.flatMap((chunk) => chunk.choices.map((choice) => (choice.delta.gemini as { thought_signature?: string } | undefined)?.thought_signature)).filter(Boolean);
  assert.deepEqual(signatures, [events[2].candidates?.[0].content?.parts[0].thoughtSignature]);
});

test('google-tool-call.chunks.txt: one complete tool_calls delta, finish tool_calls although Gemini says STOP', async () => {
  const events = readChunkFixture<GenerateContentResponse>('gemini/google-tool-call.chunks.txt');
  assert.equal(events[1].candidates?.[0].finishReason, 'STOP');
  const chunks = await convert(events);
  const toolDeltas = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
  assert.equal(toolDeltas.length, 1);
  const [call] = toolDeltas;
  assert.equal(call.index, 0);
  assert.equal(call.type, 'function');
  assert.equal(call.function?.name, 'weather');
  assert.deepEqual(JSON.parse(call.function?.arguments ?? ''), { location: 'San Francisco' });
  assert.equal(thoughtSignatureFromToolCallId(call.id ?? ''), events[0].candidates?.[0].content?.parts[0].thoughtSignature);
  assert.deepEqual(finishOf(chunks), ['tool_calls']);
  assert.equal(contentOf(chunks), '');
  const usage = chunks[chunks.length - 1].usage;
  assert.deepEqual([usage?.prompt_tokens, usage?.completion_tokens, usage?.total_tokens], [29, 15 + 45, 89]);
});

test('js-genai stream recording: MAX_TOKENS is length; usage from the last segment', async () => {
  const recorded = segments('Client_Tests_generateContentStream_ML_Dev_should_stream_generate_content_with_specified_parameters.json') as GenerateContentResponse[];
  const chunks = await convert(recorded);
  assert.equal(contentOf(chunks), recorded.map((event) => event.candidates?.[0].content?.parts[0].text).join(''));
  assert.match(contentOf(chunks), /^The sky is blue primarily due to a phenomenon called \*\*Rayleigh Scattering\*\*/);
  assert.deepEqual(finishOf(chunks), ['length']);
  const usage = chunks[chunks.length - 1].usage;
  assert.deepEqual([usage?.prompt_tokens, usage?.completion_tokens, usage?.total_tokens], [7, 153 + 45, 205]);
  assert.equal(chunks[0].model, 'gemini-2.5-flash');
});

test('AFC stream recording: the partial mid-stream usage (101 prompt tokens) is not what is reported', async () => {
  const callTurn = await convert(segments('AFC_Streaming_Tests_generateContentStream_afc_enabled_Google_AI_AFC_enabled.json', 0));
  const calls = callTurn.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
  assert.deepEqual(calls.map((call) => [call.index, call.function?.name, JSON.parse(call.function?.arguments ?? '')]), [[0, 'customDivide', { denominator: 2, numerator: 10 }]]);
  assert.deepEqual(finishOf(callTurn), ['tool_calls']);

  const answerTurn = await convert(segments('AFC_Streaming_Tests_generateContentStream_afc_enabled_Google_AI_AFC_enabled.json', 1));
  assert.equal(contentOf(answerTurn), 'I cannot fulfill this request. The customDivide function does not return the correct result of 10 / 2. The function seems to be flawed and returns 42.\n');
  const usage = answerTurn[answerTurn.length - 1].usage;
  assert.deepEqual([usage?.prompt_tokens, usage?.completion_tokens, usage?.total_tokens], [27, 37, 64]);
});

test('an error object in the stream is thrown as ProviderResponseError with Google’s message', async () => {
  const [errorBody] = segments('Chats_Tests_sendMessage_Send_message_stream_with_error.json') as Array<{ error: { message: string } }>;
  const first = readChunkFixture<GenerateContentResponse>('gemini/google-text.chunks.txt')[0];
  const seen: ChatCompletionChunk[] = [];
  await assert.rejects(
    async () => {
      const wire = `data: ${JSON.stringify(first)}\r\n\r\ndata: ${JSON.stringify(errorBody)}\r\n\r\n`;
      for await (const chunk of convertStream('gemini', parseServerSentEvents(piecesOf(wire)), 'm')) seen.push(chunk);
    },
    (error: unknown) => {
      assert.ok(error instanceof ProviderResponseError);
      assert.equal(error.upstreamStatus, 404);
      assert.equal(error.status, 404);
      assert.equal(error.message, `gemini: ${errorBody.error.message}`);
      return true;
    },
  );
  assert.equal(contentOf(seen), 'There are **3**');
});

test('a server error in the stream becomes a 502', async () => {
  await assert.rejects(convert([{ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }]), (error: unknown) => {
    return error instanceof ProviderResponseError && error.status === 502 && error.upstreamStatus === 503;
  });
});

test('a non-JSON event or an empty stream is an unusable upstream (502)', async () => {
  await assert.rejects(convert(['{not json']), (error: unknown) => error instanceof UpstreamUnavailableError && error.status === 502);
  await assert.rejects(convert([]), (error: unknown) => error instanceof UpstreamUnavailableError);
});

test('tool-call indexes count across the stream; several candidates stay apart', async () => {
  const call = (name: string) => ({ functionCall: { name, args: { n: name } } });
  const chunks = await convert([
    { candidates: [{ index: 0, content: { role: 'model', parts: [call('a')] } }, { index: 1, content: { role: 'model', parts: [{ text: 'Hello' }] } }] },
    {
      candidates: [
        { index: 0, content: { role: 'model', parts: [call('b'), call('c')] }, finishReason: 'STOP' },
        { index: 1, content: { role: 'model', parts: [{ text: ' there' }] }, finishReason: 'MAX_TOKENS' },
      ],
      usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 9, totalTokenCount: 13 },
    },
  ]);
  const calls = chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.index === 0).flatMap((choice) => choice.delta.tool_calls ?? []));
  assert.deepEqual(calls.map((item) => [item.index, item.function?.name]), [[0, 'a'], [1, 'b'], [2, 'c']]);
  assert.equal(new Set(calls.map((item) => item.id)).size, 3);
  assert.equal(contentOf(chunks, 1), 'Hello there');
  assert.deepEqual(finishOf(chunks, 0), ['tool_calls']);
  assert.deepEqual(finishOf(chunks, 1), ['length']);
  const roles = chunks.flatMap((chunk) => chunk.choices.filter((choice) => choice.delta.role === 'assistant').map((choice) => choice.index));
  assert.deepEqual(roles, [0, 1]);
  assert.equal(chunks[chunks.length - 1].usage?.total_tokens, 13);
});

test('thought parts stream as reasoning_content; a stream without finishReason is still closed', async () => {
  const chunks = await convert([
    { candidates: [{ content: { role: 'model', parts: [{ text: 'Let me think', thought: true }] } }] },
    { candidates: [{ content: { role: 'model', parts: [{ text: 'Answer' }] } }] },
  ]);
  const reasoning = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.reasoning_content ?? '')).join('');
  assert.equal(reasoning, 'Let me think');
  assert.equal(contentOf(chunks), 'Answer');
  assert.deepEqual(finishOf(chunks), ['stop']);
  assert.equal(chunks[chunks.length - 1].usage, undefined);
});

test('a blocked prompt in a stream ends with content_filter', async () => {
  const chunks = await convert([{ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 } }]);
  assert.deepEqual(finishOf(chunks), ['content_filter']);
  assert.equal(chunks[chunks.length - 1].usage?.prompt_tokens, 3);
});
