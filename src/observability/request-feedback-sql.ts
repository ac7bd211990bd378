import { feedbackColumns, type RequestFeedbackRecord } from './request-feedback-record.js';

/** Latest wins: a repeated feedback replaces every field of the earlier one. */
export function upsertFeedbackSql(placeholder: (index: number) => string): string {
  const updates = feedbackColumns.filter((column) => column !== 'request_id').map((column) => `${column} = excluded.${column}`);
  return `INSERT INTO request_feedback (${feedbackColumns.join(', ')}) VALUES (${feedbackColumns.map((_, index) => placeholder(index + 1)).join(', ')})
    ON CONFLICT (request_id) DO UPDATE SET ${updates.join(', ')}`;
}

export function feedbackParameters(feedback: RequestFeedbackRecord): Array<string | number | null> {
  return feedbackColumns.map((column) => (column === 'metadata' ? JSON.stringify(feedback.metadata) : feedback[column]));
}

export function decodeFeedbackRow(row: Record<string, unknown>): RequestFeedbackRecord {
  return {
    request_id: row.request_id as string,
    key_id: (row.key_id as string | null) ?? null,
    team_id: (row.team_id as string | null) ?? null,
    score: Number(row.score),
    comment: (row.comment as string | null) ?? null,
    metadata: typeof row.metadata === 'string' ? JSON.parse(row.metadata) : (row.metadata as RequestFeedbackRecord['metadata']),
    at: row.at as string,
  };
}
