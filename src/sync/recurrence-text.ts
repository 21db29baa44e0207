// A recurring Outlook series in words, for `events show`: "every Tuesday and Thursday until
// 2027-03-30, 09:00-10:00 America/New_York". Pure: no I/O, no clock.
//
// Graph's shapes: https://learn.microsoft.com/graph/api/resources/recurrencepattern (type daily,
// weekly, absoluteMonthly, relativeMonthly, absoluteYearly, relativeYearly; interval, month,
// dayOfMonth, daysOfWeek, firstDayOfWeek, index) and
// https://learn.microsoft.com/graph/api/resources/recurrencerange (type endDate, noEnd, numbered;
// startDate, endDate, numberOfOccurrences, recurrenceTimeZone).

import { ianaZone, offsetMs } from '../dates.js';

export const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type DayOfWeek = (typeof DAYS)[number];
export type PatternType = 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
export type WeekIndex = 'first' | 'second' | 'third' | 'fourth' | 'last';
const PATTERNS: PatternType[] = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
const INDEXES: WeekIndex[] = ['first', 'second', 'third', 'fourth', 'last'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface Recurrence {
  pattern: {
    type: PatternType;
    /** At least 1. */
    interval: number;
    /** 1-12 (yearly patterns). */
    month: number;
    /** 1-31 (absolute patterns). */
    dayOfMonth: number;
    daysOfWeek: DayOfWeek[];
    firstDayOfWeek: DayOfWeek;
    index: WeekIndex;
  };
  range: {
    type: 'endDate' | 'noEnd' | 'numbered';
    startDate: string;
    endDate: string | null;
    numberOfOccurrences: number;
    recurrenceTimeZone: string | null;
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (d: unknown): d is DayOfWeek => typeof d === 'string' && (DAYS as readonly string[]).includes(d.toLowerCase());

/** Graph's `recurrence` as received, checked; null when it is missing or not a pattern we can read. */
export function parseRecurrence(raw: unknown): Recurrence | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const { pattern: p, range: r } = raw as { pattern?: Record<string, unknown> | null; range?: Record<string, unknown> | null };
  if (!p || !r || !PATTERNS.includes(p.type as PatternType)) return null;
  if (r.type !== 'endDate' && r.type !== 'noEnd' && r.type !== 'numbered') return null;
  const int = (v: unknown, min: number, max: number, fallback: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fallback);
  const days = Array.isArray(p.daysOfWeek) ? p.daysOfWeek.filter(isDay).map((d) => d.toLowerCase() as DayOfWeek) : [];
  const type = p.type as PatternType;
  const month = int(p.month, 1, 12, 0);
  const dayOfMonth = int(p.dayOfMonth, 1, 31, 0);
  // What each type needs (the fields the others carry are ignored, as Graph does).
  if ((type === 'weekly' || type === 'relativeMonthly' || type === 'relativeYearly') && days.length === 0) return null;
  if ((type === 'absoluteMonthly' || type === 'absoluteYearly') && dayOfMonth === 0) return null;
  if ((type === 'absoluteYearly' || type === 'relativeYearly') && month === 0) return null;
  const startDate = typeof r.startDate === 'string' && DATE.test(r.startDate) ? r.startDate : '';
  const endDate = typeof r.endDate === 'string' && DATE.test(r.endDate) && r.endDate !== '0001-01-01' ? r.endDate : null;
  const count = int(r.numberOfOccurrences, 1, Number.MAX_SAFE_INTEGER, 0);
  if ((r.type === 'endDate' && endDate === null) || (r.type === 'numbered' && count === 0)) return null;
  return {
    pattern: {
      type,
      interval: int(p.interval, 1, 1000, 1),
      month,
      dayOfMonth,
      daysOfWeek: days,
      firstDayOfWeek: isDay(p.firstDayOfWeek) ? (p.firstDayOfWeek.toLowerCase() as DayOfWeek) : 'sunday',
      index: INDEXES.includes(p.index as WeekIndex) ? (p.index as WeekIndex) : 'first',
    },
    range: {
      type: r.type,
      startDate,
      endDate,
      numberOfOccurrences: count,
      recurrenceTimeZone: typeof r.recurrenceTimeZone === 'string' && r.recurrenceTimeZone ? r.recurrenceTimeZone : null,
    },
  };
}

/** The IANA zone a series' times are told in: its own when we know it, else UTC. */
export function seriesZone(name: string | null | undefined): string {
  return ianaZone(name) ?? 'UTC';
}

const title = (d: DayOfWeek) => d[0]!.toUpperCase() + d.slice(1);

/** "Monday", "Tuesday and Thursday", "Monday, Wednesday and Friday" (`or` for "one of"). */
function list(words: string[], last: 'and' | 'or'): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${last} ${words[words.length - 1]}`;
}

/** The days in the order of the series' week (it starts on `firstDayOfWeek`). */
function ordered(r: Recurrence): DayOfWeek[] {
  const first = DAYS.indexOf(r.pattern.firstDayOfWeek);
  return [...new Set(r.pattern.daysOfWeek)].sort((a, b) => ((DAYS.indexOf(a) - first + 7) % 7) - ((DAYS.indexOf(b) - first + 7) % 7));
}

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];
function isSet(days: DayOfWeek[], set: readonly string[]): boolean {
  return days.length === set.length && set.every((d) => days.includes(d as DayOfWeek));
}

/** The day Outlook's "the first ... of the month" names: a weekday, a weekend day, any day, or these. */
function relativeDay(days: DayOfWeek[]): string {
  if (isSet(days, DAYS)) return 'day';
  if (isSet(days, WEEKDAYS)) return 'weekday';
  if (isSet(days, ['saturday', 'sunday'])) return 'weekend day';
  return list(days.map(title), 'or');
}

const every = (n: number, unit: string) => (n === 1 ? `every ${unit}` : `every ${n} ${unit}s`);

function patternText(r: Recurrence): string {
  const p = r.pattern;
  const n = p.interval;
  const days = ordered(r);
  const month = MONTHS[p.month - 1] ?? '';
  switch (p.type) {
    case 'daily':
      return every(n, 'day');
    case 'weekly': {
      const named = isSet(days, WEEKDAYS) ? (n === 1 ? 'weekday' : 'weekdays') : list(days.map(title), 'and');
      return n === 1 ? `every ${named}` : `every ${n} weeks on ${named}`;
    }
    case 'absoluteMonthly':
      return `${every(n, 'month')} on day ${p.dayOfMonth}`;
    case 'relativeMonthly':
      return `on the ${p.index} ${relativeDay(days)} of ${n === 1 ? 'every month' : `every ${n} months`}`;
    case 'absoluteYearly':
      return `${every(n, 'year')} on ${month} ${p.dayOfMonth}`;
    case 'relativeYearly':
      return `on the ${p.index} ${relativeDay(days)} of ${month} ${every(n, 'year')}`;
  }
}

function rangeText(r: Recurrence): string {
  const g = r.range;
  if (g.type === 'endDate') return ` until ${g.endDate}`;
  if (g.type === 'numbered') return g.numberOfOccurrences === 1 ? ', once' : `, ${g.numberOfOccurrences} times`;
  return '';
}

const DAY_MS = 86_400_000;

/** "HH:MM" and the day number of an instant's wall time in a zone. */
function wall(instant: string, zone: string): { hm: string; day: number } {
  const ms = Date.parse(instant);
  const local = ms + offsetMs(ms, zone);
  return { hm: new Date(local).toISOString().slice(11, 16), day: Math.floor(local / DAY_MS) };
}

function timeText(start: string, end: string, zone: string): string {
  if (DATE.test(start)) {
    const days = Math.round((Date.parse(`${DATE.test(end) ? end : start}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS) + 1;
    return days > 1 ? `, all day, ${days} days` : ', all day';
  }
  const s = wall(start, zone);
  const e = wall(end, zone);
  const later = e.day - s.day;
  return `, ${s.hm}-${e.hm}${later === 1 ? ' (next day)' : later > 1 ? ` (${later} days later)` : ''} ${zone}`;
}

/**
 * The series in words. `start`/`end` are the series master's (its first occurrence): UTC instants
 * for a timed series, dates (the end inclusive) for an all-day one; the times are told in `zone`
 * (an IANA or Windows name; UTC when it is neither), where they stay the same across daylight
 * saving changes, as Outlook keeps them.
 */
export function describeRecurrence(recurrence: Recurrence, start: string, end: string, zone: string): string {
  return `${patternText(recurrence)}${rangeText(recurrence)}${timeText(start, end, seriesZone(zone))}`;
}
