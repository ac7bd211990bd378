import { z } from 'zod';

const metadataValue = z.union([z.string().max(1024), z.number(), z.boolean(), z.null()]);

/** The body of `POST /v1/feedback`. */
export const feedbackInput = z.strictObject({
  /** The `x-sluice-request-id` of the request the feedback is about. */
  request_id: z.string().min(1).max(200),
  score: z.number().refine((score) => score === -1 || (score >= 0 && score <= 1), 'expected -1, 1, or a number from 0 to 1'),
  comment: z.string().max(4000).nullable().optional(),
  /** A flat JSON object, like `x-sluice-metadata`. */
  metadata: z
    .record(z.string().min(1).max(128), metadataValue)
    .refine((metadata) => Object.keys(metadata).length <= 32, 'at most 32 keys')
    .optional(),
});

export type FeedbackInput = z.infer<typeof feedbackInput>;
