// A recurring Outlook series in words: every Graph pattern type and range type.

import { describe, expect, it } from 'vitest';
import { describeRecurrence, parseRecurrence, type Recurrence } from '../../../src/sync/recurrence-text.js';

/** Graph's JSON for a recurrence, as the master carries it. */
function rec(pattern: Record<string, unknown>, range: Record<string, unknown> = { type: 'noEnd', startDate: '2026-12-01' }): Recurrence {
  const parsed = parseRecurrence({ pattern, range });
  if (!parsed) throw new Error(`not a recurrence: ${JSON.stringify({ pattern, range })}`);
  return parsed;
}

// Tuesday 2026-12-01, 09:00-10:00 in New York (14:00-15:00 UTC).
const NY = ['2026-12-01T14:00:00.000Z', '2026-12-01T15:00:00.000Z', 'America/New_York'] as const;
const UTC = ['2026-12-01T09:00:00.000Z', '2026-12-01T09:15:00.000Z', 'UTC'] as const;

describe('describeRecurrence: pattern types', () => {
  it('daily: every day, every n days', () => {
    expect(describeRecurrence(rec({ type: 'daily', interval: 1 }), ...UTC)).toBe('every day, 09:00-09:15 UTC');
    expect(describeRecurrence(rec({ type: 'daily', interval: 3 }), ...UTC)).toBe('every 3 days, 09:00-09:15 UTC');
  });

  it('weekly: the days in week order, every n weeks, weekdays', () => {
    const tuThu = rec({ type: 'weekly', interval: 1, daysOfWeek: ['thursday', 'tuesday'], firstDayOfWeek: 'sunday' }, { type: 'endDate', startDate: '2026-12-01', endDate: '2027-03-30' });
    expect(describeRecurrence(tuThu, ...NY)).toBe('every Tuesday and Thursday until 2027-03-30, 09:00-10:00 America/New_York');
    const monday = rec({ type: 'weekly', interval: 2, daysOfWeek: ['monday'] }, { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 10 });
    expect(describeRecurrence(monday, ...NY)).toBe('every 2 weeks on Monday, 10 times, 09:00-10:00 America/New_York');
    const three = rec({ type: 'weekly', interval: 1, daysOfWeek: ['friday', 'monday', 'wednesday'] });
    expect(describeRecurrence(three, ...UTC)).toBe('every Monday, Wednesday and Friday, 09:00-09:15 UTC');
    const weekdays = rec({ type: 'weekly', interval: 1, daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] });
    expect(describeRecurrence(weekdays, ...UTC)).toBe('every weekday, 09:00-09:15 UTC');
    // A week that starts on Monday puts Sunday last.
    const weekend = rec({ type: 'weekly', interval: 1, daysOfWeek: ['sunday', 'saturday'], firstDayOfWeek: 'monday' });
    expect(describeRecurrence(weekend, ...UTC)).toBe('every Saturday and Sunday, 09:00-09:15 UTC');
  });

  it('absoluteMonthly: a day of the month', () => {
    expect(describeRecurrence(rec({ type: 'absoluteMonthly', interval: 1, dayOfMonth: 15 }), ...UTC)).toBe('every month on day 15, 09:00-09:15 UTC');
    expect(describeRecurrence(rec({ type: 'absoluteMonthly', interval: 3, dayOfMonth: 1 }), ...UTC)).toBe('every 3 months on day 1, 09:00-09:15 UTC');
  });

  it('relativeMonthly: the first Monday, the last weekday', () => {
    expect(describeRecurrence(rec({ type: 'relativeMonthly', interval: 1, daysOfWeek: ['monday'], index: 'first' }), ...UTC)).toBe('on the first Monday of every month, 09:00-09:15 UTC');
    const lastWeekday = rec({ type: 'relativeMonthly', interval: 2, daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'], index: 'last' });
    expect(describeRecurrence(lastWeekday, ...UTC)).toBe('on the last weekday of every 2 months, 09:00-09:15 UTC');
    expect(describeRecurrence(rec({ type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday', 'thursday'], index: 'third' }), ...UTC)).toBe(
      'on the third Tuesday or Thursday of every month, 09:00-09:15 UTC',
    );
  });

  it('absoluteYearly: a date every year', () => {
    expect(describeRecurrence(rec({ type: 'absoluteYearly', interval: 1, month: 3, dayOfMonth: 15 }), ...UTC)).toBe('every year on March 15, 09:00-09:15 UTC');
    expect(describeRecurrence(rec({ type: 'absoluteYearly', interval: 2, month: 12, dayOfMonth: 1 }), ...UTC)).toBe('every 2 years on December 1, 09:00-09:15 UTC');
  });

  it('relativeYearly: the second Tuesday of March', () => {
    expect(describeRecurrence(rec({ type: 'relativeYearly', interval: 1, month: 3, daysOfWeek: ['tuesday'], index: 'second' }), ...UTC)).toBe(
      'on the second Tuesday of March every year, 09:00-09:15 UTC',
    );
    expect(describeRecurrence(rec({ type: 'relativeYearly', interval: 4, month: 11, daysOfWeek: ['thursday'], index: 'fourth' }), ...UTC)).toBe(
      'on the fourth Thursday of November every 4 years, 09:00-09:15 UTC',
    );
  });
});

describe('describeRecurrence: range types', () => {
  const daily = { type: 'daily', interval: 1 };
  it('endDate: until the last date', () => {
    expect(describeRecurrence(rec(daily, { type: 'endDate', startDate: '2026-12-01', endDate: '2026-12-31' }), ...UTC)).toBe('every day until 2026-12-31, 09:00-09:15 UTC');
  });
  it('numbered: n times, or once', () => {
    expect(describeRecurrence(rec(daily, { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 5 }), ...UTC)).toBe('every day, 5 times, 09:00-09:15 UTC');
    expect(describeRecurrence(rec(daily, { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 1 }), ...UTC)).toBe('every day, once, 09:00-09:15 UTC');
  });
  it('noEnd: nothing said of an end (Graph sends endDate 0001-01-01 for it)', () => {
    expect(describeRecurrence(rec(daily, { type: 'noEnd', startDate: '2026-12-01', endDate: '0001-01-01', numberOfOccurrences: 0 }), ...UTC)).toBe('every day, 09:00-09:15 UTC');
  });
});

describe('describeRecurrence: times', () => {
  const weekly = rec({ type: 'weekly', interval: 1, daysOfWeek: ['tuesday'] });
  it('told in the series zone, a Windows name read as its IANA zone', () => {
    expect(describeRecurrence(weekly, NY[0], NY[1], 'Eastern Standard Time')).toBe('every Tuesday, 09:00-10:00 America/New_York');
  });
  it('in UTC when the zone is unknown', () => {
    expect(describeRecurrence(weekly, NY[0], NY[1], 'Mars/Olympus_Mons')).toBe('every Tuesday, 14:00-15:00 UTC');
  });
  it('an end after midnight says so', () => {
    expect(describeRecurrence(weekly, '2026-12-01T22:00:00.000Z', '2026-12-02T01:00:00.000Z', 'UTC')).toBe('every Tuesday, 22:00-01:00 (next day) UTC');
  });
  it('all-day series: all day, and how many days when more than one', () => {
    expect(describeRecurrence(weekly, '2026-12-01', '2026-12-01', 'Europe/London')).toBe('every Tuesday, all day');
    expect(describeRecurrence(weekly, '2026-12-01', '2026-12-03', 'Europe/London')).toBe('every Tuesday, all day, 3 days');
  });
});

describe('parseRecurrence', () => {
  it('refuses what is not a pattern it can tell', () => {
    expect(parseRecurrence(null)).toBeNull();
    expect(parseRecurrence({ pattern: { type: 'hourly', interval: 1 }, range: { type: 'noEnd', startDate: '2026-12-01' } })).toBeNull();
    expect(parseRecurrence({ pattern: { type: 'weekly', interval: 1, daysOfWeek: [] }, range: { type: 'noEnd', startDate: '2026-12-01' } })).toBeNull();
    expect(parseRecurrence({ pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: '2026-12-01', numberOfOccurrences: 0 } })).toBeNull();
    expect(parseRecurrence({ pattern: { type: 'absoluteYearly', interval: 1, dayOfMonth: 3 }, range: { type: 'noEnd', startDate: '2026-12-01' } })).toBeNull();
  });
  it('reads the shape the simulator and Graph send, ignoring fields of other types', () => {
    const r = parseRecurrence({
      pattern: { type: 'daily', interval: 2, month: 0, dayOfMonth: 0, daysOfWeek: [], firstDayOfWeek: 'sunday', index: 'first' },
      range: { type: 'endDate', startDate: '2026-03-02', endDate: '2026-03-06', recurrenceTimeZone: 'UTC', numberOfOccurrences: 0 },
    });
    expect(r).toMatchObject({ pattern: { type: 'daily', interval: 2 }, range: { type: 'endDate', endDate: '2026-03-06', recurrenceTimeZone: 'UTC' } });
  });
});
