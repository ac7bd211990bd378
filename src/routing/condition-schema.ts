import { z } from 'zod';

/**
 * The shape of routing conditions (`targets[].when` of a conditional route, `sticky` of a split
 * route). Kept apart from config-schema.ts so the condition language lives beside its matcher.
 */
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Facts a condition may look at; `metadata.K` comes from the `x-sluice-metadata` header. */
export const conditionFieldPattern =
  /^(metadata\.\S+|key\.(id|name)|key\.metadata\.\S+|team\.(id|name)|team\.metadata\.\S+|header\.[A-Za-z0-9-]+|param\.[A-Za-z0-9_]+|request\.estimated_tokens)$/;

const fieldMessage =
  'expected metadata.KEY, key.id, key.name, key.metadata.KEY, team.id, team.name, team.metadata.KEY, header.NAME, param.NAME or request.estimated_tokens';

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

const operatorsSchema = z
  .strictObject({
    eq: scalar.optional(),
    ne: scalar.optional(),
    in: z.array(scalar).optional(),
    not_in: z.array(scalar).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    exists: z.boolean().optional(),
    matches: z.string().refine(compiles, 'not a valid regular expression').optional(),
  })
  .refine((operators) => Object.keys(operators).length > 0, 'expected at least one operator');

/** A value (equals), a list (any of), or operators that must all hold. */
export const conditionMatcherSchema = z.union([scalar, z.array(scalar).min(1), operatorsSchema]);

/** Every listed fact must match (AND); list the target twice for OR. */
export const whenSchema = z
  .record(z.string().regex(conditionFieldPattern, fieldMessage), conditionMatcherSchema)
  .refine((when) => Object.keys(when).length > 0, 'expected at least one condition');

/** What keeps a caller on the same side of a percentage split. */
export const stickyFieldSchema = z
  .string()
  .regex(/^(metadata\.\S+|key\.id|team\.id|header\.[A-Za-z0-9-]+)$/, 'expected metadata.KEY, key.id, team.id or header.NAME');

export type ConditionMatcher = z.infer<typeof conditionMatcherSchema>;
export type RouteCondition = z.infer<typeof whenSchema>;
