import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calendarPeriod } from './calendar-periods.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

test('a day runs from UTC midnight to the next', () => {
  const day = calendarPeriod('day', at('2026-03-10T23:59:59.999Z'));
  assert.equal(day.key, 'day:2026-03-10');
  assert.equal(iso(day.startMs), '2026-03-10T00:00:00.000Z');
  assert.equal(iso(day.endMs), '2026-03-11T00:00:00.000Z');
  assert.equal(calendarPeriod('day', at('2026-03-11T00:00:00Z')).key, 'day:2026-03-11');
});

test('a week is an ISO week: Monday 00:00 UTC to the next Monday, Sunday included', () => {
  // 2026-03-15 is a Sunday, 2026-03-16 a Monday.
  const sunday = calendarPeriod('week', at('2026-03-15T22:00:00Z'));
  assert.equal(sunday.key, 'week:2026-03-09');
  assert.equal(iso(sunday.endMs), '2026-03-16T00:00:00.000Z');
  const monday = calendarPeriod('week', at('2026-03-16T00:00:00Z'));
  assert.equal(monday.key, 'week:2026-03-16');
  // A week across the new year keeps its Monday.
  assert.equal(calendarPeriod('week', at('2027-01-01T12:00:00Z')).key, 'week:2026-12-28');
});

test('a month ends where the next begins, February and December included', () => {
  const february = calendarPeriod('month', at('2028-02-29T10:00:00Z'));
  assert.equal(february.key, 'month:2028-02');
  assert.equal(iso(february.endMs), '2028-03-01T00:00:00.000Z');
  const december = calendarPeriod('month', at('2026-12-31T23:00:00Z'));
  assert.equal(iso(december.startMs), '2026-12-01T00:00:00.000Z');
  assert.equal(iso(december.endMs), '2027-01-01T00:00:00.000Z');
});
