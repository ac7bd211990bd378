import type Database from 'libsql';
import type { RequestFeedbackRecord } from './request-feedback-record.js';
import { decodeFeedbackRow, feedbackParameters, upsertFeedbackSql } from './request-feedback-sql.js';

export function putSqliteRequestFeedback(db: Database.Database, feedback: RequestFeedbackRecord): void {
  db.prepare(upsertFeedbackSql(() => '?')).run(...feedbackParameters(feedback));
}

export function getSqliteRequestFeedback(db: Database.Database, requestId: string): RequestFeedbackRecord | undefined {
  const row = db.prepare('SELECT * FROM request_feedback WHERE request_id = ?').get(requestId) as Record<string, unknown> | undefined;
  return row ? decodeFeedbackRow(row) : undefined;
}
