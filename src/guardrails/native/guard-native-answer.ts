import type { Dispatcher } from 'undici';
import { anthropicErrorBody, googleErrorBody, openAIErrorBody } from '../../errors/render-error.js';
import { parseServerSentEvents } from '../../http/parse-server-sent-events.js';
import type { RequestContext } from '../../pipeline/request-context.js';
import type { ChatCompletion } from '../../schema/chat-completion-response.js';
import { writeEventStream } from '../../server/write-chat-stream.js';
import { baseHeaders } from '../../server/write-response.js';
import { guardAnswerTexts, guardCompletion } from '../guard-completion.js';
import { setGuardrailsHeader } from '../guard-request-stage.js';
import type { NativeAnswerPlan } from './native-answer-plan.js';
import { anthropicAnswerTexts, geminiAnswerTexts, writeBackTexts } from './native-answer-texts.js';
import { anthropicFrames, geminiFrames, openAIChatFrames } from './native-stream-frames.js';
import { holdForWholeAnswer, TextChannels } from './native-text-channels.js';
import { GuardrailUnsupportedEndpointError, refusingPolicy } from './native-unreadable-error.js';

type Headers = Record<string, string | string[]>;

/**
 * Writes a successful native answer through the response-side guardrails: a JSON answer is read
 * whole, checked and re-serialized only if something changed (else its bytes go out as they came);
 * an event stream is checked as it passes. Returns false when the answer is of a kind no policy
 * needs to read (the proxy then pipes it); throws when a policy cannot let it through unchecked.
 */
export async function writeGuardedNativeAnswer(context: RequestContext, upstream: Dispatcher.ResponseData, plan: NativeAnswerPlan, headers: Headers): Promise<boolean> {
  const type = String(upstream.headers['content-type'] ?? '');
  const encoding = upstream.headers['content-encoding'];
  const readable = encoding === undefined || encoding === 'identity';
  if (readable && /text\/event-stream/i.test(type)) {
    await writeGuardedStream(context, upstream, plan, headers);
    return true;
  }
  if (readable && /json/i.test(type)) {
    const text = await upstream.body.text();
    const payload = await guardJsonAnswer(context, text, plan);
    const { 'content-length': _length, 'content-encoding': _encoding, ...kept } = headers;
    context.response.writeHead(upstream.statusCode, { ...kept, ...baseHeaders(context), 'content-length': Buffer.byteLength(payload) });
    context.response.end(payload);
    return true;
  }
  refuseUnreadable(plan, `the answer (${type || 'no content type'}${readable ? '' : `, ${String(encoding)}`})`);
  return false;
}

function refuseUnreadable(plan: NativeAnswerPlan, what: string): void {
  const refusing = refusingPolicy(plan.policies);
  if (refusing) throw new GuardrailUnsupportedEndpointError(refusing, what);
}

/** The JSON answer to send: the upstream's text when nothing changed, else the rewritten answer. */
async function guardJsonAnswer(context: RequestContext, text: string, plan: NativeAnswerPlan): Promise<string> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    refuseUnreadable(plan, 'an answer that is not valid JSON');
    return text;
  }
  try {
    if (plan.format === 'openai-chat') {
      const completion = body as ChatCompletion;
      if (!Array.isArray(completion?.choices)) {
        refuseUnreadable(plan, 'an answer without choices');
        return text;
      }
      const guarded = await guardCompletion(context, completion, plan.policies, plan.state);
      return guarded === completion ? text : JSON.stringify(guarded);
    }
    const texts = plan.format === 'anthropic-message' ? anthropicAnswerTexts(body) : geminiAnswerTexts(body);
    if (!texts) {
      refuseUnreadable(plan, 'an answer of an unexpected shape');
      return text;
    }
    await guardAnswerTexts(context, texts, plan.policies, plan.state);
    return writeBackTexts(texts) ? JSON.stringify(body) : text;
  } finally {
    setGuardrailsHeader(context, plan.state);
  }
}

const errorFrames: Record<NativeAnswerPlan['format'], (error: Parameters<typeof openAIErrorBody>[0]) => string> = {
  'openai-chat': (error) => `data: ${openAIErrorBody(error)}\n\n`,
  'anthropic-message': (error) => `event: error\ndata: ${anthropicErrorBody(error)}\n\n`,
  // Google's SDK raises an ApiError for an event whose `error.code` is an HTTP status.
  'gemini-response': (error) => `data: ${googleErrorBody(error)}\n\n`,
};

async function writeGuardedStream(context: RequestContext, upstream: Dispatcher.ResponseData, plan: NativeAnswerPlan, headers: Headers): Promise<void> {
  // The upstream's own headers (request ids, rate limits) go out with the stream's.
  for (const [name, value] of Object.entries(headers)) {
    if (name !== 'content-length' && name !== 'content-encoding') context.responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const events = parseServerSentEvents(upstream.body);
  let frames: AsyncIterable<string>;
  if (plan.format === 'openai-chat') frames = openAIChatFrames(context, events, plan);
  else {
    const channels = new TextChannels(plan, plan.policies.some((policy) => policy.classify));
    const source = plan.format === 'anthropic-message' ? anthropicFrames(events, channels) : geminiFrames(events, channels);
    frames = holdForWholeAnswer(context, source, plan, channels);
  }
  try {
    await writeEventStream(context, frames, { frame: (frame) => frame, end: '', errorFrame: errorFrames[plan.format] });
  } finally {
    if (!upstream.body.destroyed) upstream.body.destroy();
  }
}
