import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The learned detector's weight file (written by train-injection-model.ts, read by the
 * guardrail and the eval): the feature recipe, the weights, and the threshold chosen on the
 * dev split, so a file is self-describing and a gateway never scores with a recipe that does
 * not match its weights.
 */
export const injectionModelFileSchema = z.strictObject({
  format: z.literal('sluice-injection-model'),
  version: z.literal(1),
  features: z.strictObject({
    buckets: z.number().int().positive().refine((value) => (value & (value - 1)) === 0, 'a power of two'),
    word_ngrams: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    char_ngrams: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    /** The sentence encoder whose vectors form the dense block, or null for n-grams only. */
    embedding: z.enum(['local:use-lite-512']).nullable(),
    embedding_dimensions: z.number().int().nonnegative(),
  }),
  chunk: z.strictObject({ size: z.number().int().positive(), overlap: z.number().int().nonnegative() }),
  bias: z.number(),
  /** buckets sparse weights, then embedding_dimensions dense weights. */
  weights: z.array(z.number()),
  /** Probability at or above which a text counts as an attack, chosen on dev (cross-validated). */
  threshold: z.number().min(0).max(1),
  training: z.record(z.string(), z.unknown()),
}).refine((file) => file.weights.length === file.features.buckets + file.features.embedding_dimensions, {
  message: 'weights must hold one value per bucket and per embedding dimension',
});

export type InjectionModelFile = z.infer<typeof injectionModelFileSchema>;

/** The file that ships with the repository (models/ at its root, three levels above dist/guardrails/injection-model). */
export const bundledInjectionModelPath = fileURLToPath(new URL('../../../models/injection-model.json', import.meta.url));

export function readInjectionModelFile(path: string): InjectionModelFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the injection model "${path}": ${(error as Error).message}`);
  }
  const result = injectionModelFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`"${path}" is not a sluice injection model: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return result.data;
}
