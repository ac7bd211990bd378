import { InvalidRequestError } from '../errors/gateway-errors.js';

/** `30d`, `12h`, `45m`, `90s` → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d|w)$/.exec(text.trim());
  if (!match) throw new InvalidRequestError(`--expires: expected a duration such as 30d, 12h or 45m, got "${text}"`, { param: 'expires' });
  const units = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
  return Number(match[1]) * units[match[2] as keyof typeof units];
}

/** `100/month`, `5/day`, `20/week`, or `100` (per month). */
export function parseBudget(text: string): { budget_usd: number; budget_period: 'day' | 'week' | 'month' } {
  const match = /^\$?(\d+(?:\.\d+)?)(?:\s*\/\s*(day|week|month))?$/.exec(text.trim());
  if (!match) throw new InvalidRequestError(`--budget: expected USD[/day|/week|/month] such as 100/month, got "${text}"`, { param: 'budget' });
  return { budget_usd: Number(match[1]), budget_period: (match[2] as 'day' | 'week' | 'month' | undefined) ?? 'month' };
}

export function parseCount(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidRequestError(`--${flag}: expected a positive integer, got "${text}"`, { param: flag });
  return value;
}

/** `--models 'openai/*,anthropic/claude-*'` → globs. */
export function parseModels(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text.split(',').map((glob) => glob.trim()).filter(Boolean);
}

/** The limit flags shared by `keys create` and `teams create`. */
export function limitsFromFlags(values: { rpm?: string; tpm?: string; rpd?: string; tpd?: string; parallel?: string; budget?: string }) {
  const limits: Record<string, unknown> = {};
  const counts = { rpm: values.rpm, tpm: values.tpm, rpd: values.rpd, tpd: values.tpd, max_parallel: values.parallel };
  for (const [field, text] of Object.entries(counts)) {
    const value = parseCount(field === 'max_parallel' ? 'parallel' : field, text);
    if (value !== undefined) limits[field] = value;
  }
  if (values.budget !== undefined) Object.assign(limits, parseBudget(values.budget));
  return Object.keys(limits).length > 0 ? limits : undefined;
}

/** A plain aligned table for humans; `--json` gives machines the records. */
export function formatTable(rows: ReadonlyArray<object>, columns: string[]): string {
  const valueOf = (row: object, column: string) => (row as Record<string, unknown>)[column];
  const cell = (value: unknown) => (value === null || value === undefined ? '-' : Array.isArray(value) ? value.join(',') : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => cell(valueOf(row, column)).length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index])).join('  ').trimEnd();
  return [line(columns.map((column) => column.toUpperCase())), ...rows.map((row) => line(columns.map((column) => cell(valueOf(row, column)))))].join('\n');
}
