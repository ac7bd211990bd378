import { composeStages, type Stage } from '../pipeline/compose-stages.js';
import { authenticate } from '../pipeline/stages/authenticate.js';
import { parseJsonBody } from '../pipeline/stages/parse-json-body.js';
import { readRequestBody } from '../pipeline/stages/read-body.js';
import { NotFoundError, PermissionDeniedError } from '../errors/gateway-errors.js';
import { writeError, writeJson } from '../server/write-response.js';
import { feedbackInput } from './feedback-input.js';
import { feedbackWaitMs, findLoggedRequest, sleep } from './find-logged-request.js';
import type { RequestFeedbackRecord } from './request-feedback-record.js';

/** Far more than a score, a comment and a little metadata need. */
const maxFeedbackBytes = 64 * 1024;

/** Writes the error of any stage after it in OpenAI's shape (the chat pipeline's `respond` does this there). */
const answerFeedback: Stage = async (context, next) => {
  try {
    await next();
  } catch (error) {
    if (!context.abort.signal.aborted) writeError(context, error);
  }
};

const readFeedbackBody: Stage = async (context, next) => {
  context.body = await readRequestBody(context.request, Math.min(maxFeedbackBytes, context.gateway.config.server.max_body_bytes));
  await next();
};

/**
 * Stores the feedback once the request is found and belongs to the caller's key. Another key of
 * the same team gets 403; any other caller gets the same 404 as for an unknown id, after the same
 * wait, so neither the answer nor its timing tells that the request exists.
 */
const recordFeedback: Stage = async (context) => {
  const { gateway, principal } = context;
  const input = parseJsonBody(context.body, feedbackInput);
  const notFound = new NotFoundError(`No request ${input.request_id} to give feedback on.`, 'request_not_found', 'request_id');
  if (!gateway.config.request_log.enabled) {
    throw new NotFoundError('Feedback needs the request log, which is off (request_log.enabled: false).', 'request_not_found', 'request_id');
  }
  const startedMs = Date.now();
  const waitMs = feedbackWaitMs(gateway.config.request_log.flush_interval_ms);
  const owner = await findLoggedRequest(gateway, input.request_id, startedMs, waitMs);
  if (!owner) throw notFound;
  if (principal && owner.key_id !== principal.key.id) {
    if (owner.team_id !== null && owner.team_id === principal.team.id) {
      throw new PermissionDeniedError('Only the key that made a request can give feedback on it.', 'feedback_not_allowed');
    }
    await sleep(Math.max(0, startedMs + waitMs - Date.now()));
    throw notFound;
  }
  const feedback: RequestFeedbackRecord = {
    request_id: input.request_id,
    key_id: principal?.key.id ?? null,
    team_id: principal?.team.id ?? null,
    score: input.score,
    comment: input.comment ?? null,
    metadata: input.metadata ?? {},
    at: new Date().toISOString(),
  };
  await gateway.store.putRequestFeedback(feedback);
  writeJson(context, 200, { object: 'feedback', ...feedback });
};

/**
 * `POST /v1/feedback`. Not itself a request-log record: feedback calls would otherwise count as
 * requests in analytics; the feedback table is their record.
 */
export const feedbackPipeline = composeStages([answerFeedback, authenticate, readFeedbackBody, recordFeedback]);
