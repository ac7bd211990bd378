import type { ConditionMatcher, RouteCondition } from './condition-schema.js';
import { factValue, type RequestFacts } from './request-facts.js';

type Scalar = string | number | boolean | null;

/**
 * Header values are strings and metadata values may be numbers: "3" and 3 are equal here, so a
 * condition written either way matches both. `null` matches an absent fact.
 */
function equals(value: unknown, expected: Scalar): boolean {
  if (expected === null) return value === undefined || value === null;
  if (value === undefined || value === null) return false;
  return value === expected || String(value) === String(expected);
}

function numeric(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(number) ? number : undefined;
}

const patterns = new Map<string, RegExp>();
function pattern(source: string): RegExp {
  let compiled = patterns.get(source);
  if (!compiled) {
    compiled = new RegExp(source);
    patterns.set(source, compiled);
  }
  return compiled;
}

export function matchesValue(value: unknown, matcher: ConditionMatcher): boolean {
  if (matcher === null || typeof matcher !== 'object') return equals(value, matcher);
  if (Array.isArray(matcher)) return matcher.some((expected) => equals(value, expected));
  const number = numeric(value);
  const present = value !== undefined && value !== null;
  if (matcher.eq !== undefined && !equals(value, matcher.eq)) return false;
  if (matcher.ne !== undefined && equals(value, matcher.ne)) return false;
  if (matcher.in && !matcher.in.some((expected) => equals(value, expected))) return false;
  if (matcher.not_in && matcher.not_in.some((expected) => equals(value, expected))) return false;
  if (matcher.gt !== undefined && !(number !== undefined && number > matcher.gt)) return false;
  if (matcher.gte !== undefined && !(number !== undefined && number >= matcher.gte)) return false;
  if (matcher.lt !== undefined && !(number !== undefined && number < matcher.lt)) return false;
  if (matcher.lte !== undefined && !(number !== undefined && number <= matcher.lte)) return false;
  if (matcher.exists !== undefined && present !== matcher.exists) return false;
  if (matcher.matches !== undefined && !(present && typeof value !== 'object' && pattern(matcher.matches).test(String(value)))) return false;
  return true;
}

/** Every condition must hold. */
export function matchesCondition(when: RouteCondition, facts: RequestFacts): boolean {
  for (const [field, matcher] of Object.entries(when)) {
    if (!matchesValue(factValue(facts, field), matcher)) return false;
  }
  return true;
}
