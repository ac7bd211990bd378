import type { BudgetPeriod } from '../store/store-records.js';

export const budgetPeriods: readonly BudgetPeriod[] = ['day', 'week', 'month'];

/** One UTC calendar window of a budget: a day, an ISO week (Monday to Sunday) or a month. */
export interface CalendarPeriod {
  period: BudgetPeriod;
  /** Names the window in counter keys: `day:2026-01-15`, `week:2026-01-12` (its Monday), `month:2026-01`. */
  key: string;
  startMs: number;
  /** Exclusive: the first millisecond of the next window. */
  endMs: number;
}

const dayMs = 86_400_000;

/** `YYYY-MM-DD` of a UTC timestamp. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The window of `period` that contains `nowMs`. Budgets use calendar windows, not sliding
 * ones, because that is how spend is reported and invoiced: "this month" resets on the 1st.
 */
export function calendarPeriod(period: BudgetPeriod, nowMs: number): CalendarPeriod {
  const date = new Date(nowMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const dayStart = Date.UTC(year, month, date.getUTCDate());
  if (period === 'day') return { period, key: `day:${utcDay(dayStart)}`, startMs: dayStart, endMs: dayStart + dayMs };
  if (period === 'week') {
    // getUTCDay(): 0 is Sunday; ISO weeks start on Monday.
    const sinceMonday = (date.getUTCDay() + 6) % 7;
    const startMs = dayStart - sinceMonday * dayMs;
    return { period, key: `week:${utcDay(startMs)}`, startMs, endMs: startMs + 7 * dayMs };
  }
  const startMs = Date.UTC(year, month, 1);
  return { period, key: `month:${utcDay(startMs).slice(0, 7)}`, startMs, endMs: Date.UTC(year, month + 1, 1) };
}
