import type pg from 'pg';
import type { RequestFeedbackRecord } from './request-feedback-record.js';
import { decodeFeedbackRow, feedbackParameters, upsertFeedbackSql } from './request-feedback-sql.js';

export async function putPostgresRequestFeedback(pool: pg.Pool, feedback: RequestFeedbackRecord): Promise<void> {
  await pool.query(upsertFeedbackSql((index) => `$${index}`), feedbackParameters(feedback));
}

export async function getPostgresRequestFeedback(pool: pg.Pool, requestId: string): Promise<RequestFeedbackRecord | undefined> {
  const row = (await pool.query('SELECT * FROM request_feedback WHERE request_id = $1', [requestId])).rows[0] as Record<string, unknown> | undefined;
  return row ? decodeFeedbackRow(row) : undefined;
}
