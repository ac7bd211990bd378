import { z } from 'zod';

/**
 * Scalars of the config that may arrive as strings: `${VAR}` interpolation always yields text,
 * so `port: ${PORT}` must still read as a number. Shared by every config section's schema.
 */
export const integer = (min: number) =>
  z.union([z.number(), z.string().regex(/^\d+$/, 'expected an integer').transform(Number)]).pipe(z.number().int().min(min));

export const boolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);
