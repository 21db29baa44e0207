// Recurring series: daily and weekly patterns with endDate / numbered / noEnd ranges, expanded
// into occurrences in the series' own zone (so DST moves the UTC instant, as in Outlook).
import { GraphError, type DateTimeTimeZone, type Recurrence, type StoredEvent } from './model.js';
import { dayNumber, formatWall, fromDayNumber, parseWall, resolveZone, utcToWall, wallToUtc, type Wall } from '../time.js';

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MAX_ITERATIONS = 20_000;

function invalid(message: string): GraphError {
  return new GraphError(400, 'ErrorInvalidRequest', message);
}

function parseDate(value: unknown, what: string): string {
  const wall = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseWall(value) : null;
  if (!wall) throw invalid(`The recurrence ${what} '${String(value)}' is not a valid date.`);
  return value as string;
}

export function normalizeRecurrence(value: unknown): Recurrence {
  const raw = (value ?? {}) as { pattern?: Record<string, unknown>; range?: Record<string, unknown> };
  const p = raw.pattern ?? {};
  const r = raw.range ?? {};
  if (p.type !== 'daily' && p.type !== 'weekly') {
    // Graph knows monthly and yearly patterns too; this simulator does not (see README).
    throw invalid(`The simulator supports daily and weekly recurrence patterns only, not '${String(p.type)}'.`);
  }
  const interval = p.interval === undefined ? 1 : p.interval;
  if (!Number.isInteger(interval) || (interval as number) < 1) throw invalid('The recurrence interval must be at least 1.');
  const daysOfWeek = Array.isArray(p.daysOfWeek) ? (p.daysOfWeek as unknown[]).map((d) => String(d).toLowerCase()) : [];
  if (daysOfWeek.some((d) => !DAYS.includes(d))) throw invalid('Invalid daysOfWeek.');
  if (p.type === 'weekly' && daysOfWeek.length === 0) throw invalid('A weekly recurrence needs daysOfWeek.');
  const firstDayOfWeek = String(p.firstDayOfWeek ?? 'sunday').toLowerCase();
  if (!DAYS.includes(firstDayOfWeek)) throw invalid('Invalid firstDayOfWeek.');
  const type = r.type;
  if (type !== 'endDate' && type !== 'noEnd' && type !== 'numbered') throw invalid(`Invalid recurrence range type '${String(type)}'.`);
  const startDate = parseDate(r.startDate, 'range startDate');
  const endDate = type === 'endDate' ? parseDate(r.endDate, 'range endDate') : '0001-01-01';
  if (type === 'endDate' && endDate < startDate) throw invalid('The recurrence range ends before it starts.');
  const count = type === 'numbered' ? r.numberOfOccurrences : 0;
  if (!Number.isInteger(count) || (type === 'numbered' && (count as number) < 1)) throw invalid('Invalid numberOfOccurrences.');
  const zone = typeof r.recurrenceTimeZone === 'string' && resolveZone(r.recurrenceTimeZone) ? r.recurrenceTimeZone : '';
  return {
    pattern: { type: p.type, interval: interval as number, month: 0, dayOfMonth: 0, daysOfWeek, firstDayOfWeek, index: 'first' },
    range: { type, startDate, endDate, recurrenceTimeZone: zone, numberOfOccurrences: count as number },
  };
}

/** Calendar days (day numbers) of the pattern, in order. */
function* patternDays(rec: Recurrence): Generator<number> {
  const startDay = dayNumber(parseWall(rec.range.startDate) as Wall);
  const endDay = rec.range.type === 'endDate' ? dayNumber(parseWall(rec.range.endDate) as Wall) : Infinity;
  const max = rec.range.type === 'numbered' ? rec.range.numberOfOccurrences : Infinity;
  let count = 0;
  if (rec.pattern.type === 'daily') {
    for (let d = startDay, i = 0; d <= endDay && count < max && i < MAX_ITERATIONS; d += rec.pattern.interval, i++, count++) yield d;
    return;
  }
  const first = DAYS.indexOf(rec.pattern.firstDayOfWeek);
  const weekday = (d: number) => (((d + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  const offsets = rec.pattern.daysOfWeek.map((d) => (DAYS.indexOf(d) - first + 7) % 7).sort((a, b) => a - b);
  for (let week = startDay - ((weekday(startDay) - first + 7) % 7), i = 0; i < MAX_ITERATIONS; week += 7 * rec.pattern.interval, i++) {
    for (const offset of offsets) {
      const d = week + offset;
      if (d < startDay) continue;
      if (d > endDay || count >= max) return;
      count++;
      yield d;
    }
  }
}

interface Shape {
  zone: string;
  startWall: Wall;
  durationMs: number;
  allDayDays: number;
}

function shape(master: StoredEvent): Shape {
  const zone = resolveZone(master.fields.start.timeZone) ?? 'UTC';
  const startWall = parseWall(master.fields.start.dateTime) as Wall;
  const endWall = parseWall(master.fields.end.dateTime) as Wall;
  return { zone, startWall, durationMs: master.endMs - master.startMs, allDayDays: dayNumber(endWall) - dayNumber(startWall) };
}

function timesForDay(master: StoredEvent, s: Shape, day: number) {
  const date = fromDayNumber(day);
  if (master.fields.isAllDay) {
    const endDate = fromDayNumber(day + s.allDayDays);
    return {
      startMs: wallToUtc(date, s.zone),
      endMs: wallToUtc(endDate, s.zone),
      start: { dateTime: formatWall(date), timeZone: master.fields.start.timeZone },
      end: { dateTime: formatWall(endDate), timeZone: master.fields.end.timeZone },
    };
  }
  const wall = { ...date, h: s.startWall.h, mi: s.startWall.mi, s: s.startWall.s, ms: s.startWall.ms };
  const startMs = wallToUtc(wall, s.zone);
  const endMs = startMs + s.durationMs;
  const endZone = resolveZone(master.fields.end.timeZone) ?? 'UTC';
  return {
    startMs,
    endMs,
    start: { dateTime: formatWall(wall), timeZone: master.fields.start.timeZone },
    end: { dateTime: formatWall(utcToWall(endMs, endZone)), timeZone: master.fields.end.timeZone },
  };
}

export interface OccurrenceTimes {
  originalStartMs: number;
  startMs: number;
  endMs: number;
  start: DateTimeTimeZone;
  end: DateTimeTimeZone;
}

/** Pattern occurrences overlapping [fromMs, toMs) (cancellations and exceptions not applied). */
export function occurrencesBetween(master: StoredEvent, fromMs: number, toMs: number): OccurrenceTimes[] {
  if (!master.fields.recurrence) return [];
  const s = shape(master);
  const out: OccurrenceTimes[] = [];
  for (const day of patternDays(master.fields.recurrence)) {
    const t = timesForDay(master, s, day);
    if (t.startMs >= toMs) break;
    if (t.endMs > fromMs || (t.endMs === t.startMs && t.startMs >= fromMs)) out.push({ originalStartMs: t.startMs, ...t });
  }
  return out;
}

/** The pattern occurrence whose original start is exactly this instant, if any. */
export function occurrenceAt(master: StoredEvent, originalStartMs: number): OccurrenceTimes | null {
  const found = occurrencesBetween(master, originalStartMs, originalStartMs + 1);
  return found.find((o) => o.originalStartMs === originalStartMs) ?? null;
}
