/**
 * Feedback on one data-plane request (`POST /v1/feedback`), stored apart from the request log
 * so it can be given before the log batch holding the request is flushed. One row per request:
 * a second feedback on the same request replaces the first.
 */
export interface RequestFeedbackRecord {
  request_id: string;
  /** The key that gave it (the one that made the request); null when auth is off. */
  key_id: string | null;
  team_id: string | null;
  /** -1 or 1 (thumbs down/up), or a grade in [0, 1]. */
  score: number;
  comment: string | null;
  metadata: Record<string, string | number | boolean | null>;
  /** ISO-8601 UTC time the feedback was given. */
  at: string;
}

export const feedbackColumns = ['request_id', 'key_id', 'team_id', 'score', 'comment', 'metadata', 'at'] as const satisfies ReadonlyArray<keyof RequestFeedbackRecord>;
