import type { z } from 'zod';
import { InvalidRequestError } from '../../errors/gateway-errors.js';
import { formatPath } from '../../config/load-config.js';

/**
 * Parses and validates a JSON body; errors name the offending field (DESIGN.md §1). `isCertainlyValid`,
 * when given, is a cheap check that never accepts what the schema rejects: a body it accepts is
 * used as parsed, skipping the schema's walk and copy.
 */
export function parseJsonBody<T>(body: Buffer | undefined, schema: z.ZodType<T>, isCertainlyValid?: (value: unknown) => value is T): T {
  if (!body || body.length === 0) throw new InvalidRequestError('The request body is empty; expected a JSON object.', { code: 'invalid_json' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new InvalidRequestError(`The request body is not valid JSON: ${(error as Error).message}`, { code: 'invalid_json' });
  }
  if (isCertainlyValid?.(parsed)) return parsed;
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const param = formatPath(issue.path);
    throw new InvalidRequestError(`${param}: ${issue.message}`, { code: 'invalid_value', param: param === '(root)' ? null : param });
  }
  return result.data;
}
