// Dates on the command line and the time-zone arithmetic behind them. Pure.
// Timed values become UTC instants plus their IANA zone; all-day values stay dates and never go
// through UTC, or they would shift a day (docs/graph.md#dates-and-all-day-events).

import { UsageError } from './errors.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const OFFSET_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** True when `zone` is an IANA time zone name this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  if (!zone || zone.trim() !== zone) return false;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** A known zone whose city part is `zone` ("london" -> Europe/London), for "did you mean". */
function zoneLike(zone: string): string | null {
  const city = zone.trim().toLowerCase().replace(/\s+/g, '_');
  if (!city) return null;
  const all = Intl.supportedValuesOf('timeZone');
  return all.find((z) => z.toLowerCase() === city) ?? all.find((z) => z.toLowerCase().endsWith(`/${city}`)) ?? null;
}

export function assertTimeZone(zone: string, flag: string): string {
  if (!isValidTimeZone(zone)) {
    const guess = zoneLike(zone);
    throw new UsageError(`${flag} "${zone}" is not a known IANA time zone (for example Europe/London, America/New_York, UTC)`, {
      hint: guess && guess !== zone ? `did you mean ${flag} ${guess}?` : 'use an IANA zone name such as Europe/London or America/New_York',
    });
  }
  return zone;
}

/** Wall-clock fields of an instant in a zone, as milliseconds "as if UTC". */
function wallClockMs(instantMs: number, zone: string): number {
  const parts = formatterFor(zone).formatToParts(new Date(instantMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
export function offsetMs(instantMs: number, zone: string): number {
  const whole = Math.floor(instantMs / 1000) * 1000;
  return wallClockMs(whole, zone) - whole;
}

export type LocalResolution =
  | { kind: 'unique'; instantMs: number }
  | { kind: 'ambiguous'; earlierMs: number; laterMs: number }
  | { kind: 'gap' };

/**
 * Resolve a wall-clock time in a zone to instants. Around a DST change a wall time can occur twice
 * (clocks go back) or never (clocks go forward); the caller decides what to do with each.
 */
export function resolveLocal(wallMs: number, zone: string): LocalResolution {
  const candidates = new Set<number>();
  for (const probe of [wallMs - DAY_MS, wallMs + DAY_MS]) {
    const candidate = wallMs - offsetMs(probe, zone);
    if (wallClockMs(candidate, zone) === wallMs) candidates.add(candidate);
  }
  const sorted = [...candidates].sort((a, b) => a - b);
  if (sorted.length === 0) return { kind: 'gap' };
  if (sorted.length === 1) return { kind: 'unique', instantMs: sorted[0]! };
  return { kind: 'ambiguous', earlierMs: sorted[0]!, laterMs: sorted[sorted.length - 1]! };
}

function validCalendarDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

/** A calendar date `YYYY-MM-DD`, checked to exist (2026-02-30 does not). */
export function parseDate(value: string, flag: string): string {
  const m = DATE_RE.exec(value);
  if (!m || !validCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new UsageError(`${flag} "${value}" is not a valid date: use YYYY-MM-DD, for example 2026-12-01`, { hint: `give a date that exists, e.g. ${flag} 2026-12-01` });
  }
  return value;
}

export interface ParsedInstant {
  /** ISO-8601 instant in UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  utc: string;
}

/**
 * A timed value: `YYYY-MM-DDTHH:mm[:ss]` read in `zone`, or a value with an offset (`Z`,
 * `-05:00`) accepted as is. A wall time that does not exist (clocks go forward) is refused; one
 * that occurs twice (clocks go back) is the first occurrence, as calendar apps do.
 */
export function parseDateTime(value: string, zone: string, flag: string): ParsedInstant {
  const invalid = () => {
    // A bare date where a time is needed is most often an all-day event typed without --all-day.
    const next = DATE_RE.test(value.trim()) && (flag === '--start' || flag === '--end')
      ? `for a whole-day event add --all-day; otherwise give a time, e.g. ${flag} ${value.trim()}T09:00`
      : flag === '--due' || flag === '--from' || flag === '--to'
        ? `e.g. ${flag} 2026-12-01 or ${flag} 2026-12-01T17:00`
        : `e.g. ${flag} 2026-12-01T09:00 or, with an offset, ${flag} 2026-12-01T09:00-05:00`;
    return new UsageError(
      `${flag} "${value}" is not a valid date and time: use YYYY-MM-DDTHH:MM (read in ${zone}) or add an offset such as 2026-12-01T09:00-05:00`,
      { hint: next },
    );
  };
  const withOffset = OFFSET_RE.exec(value);
  if (withOffset) {
    const [, y, mo, d, h, mi, s] = withOffset;
    if (!validCalendarDate(Number(y), Number(mo), Number(d)) || !validTime(Number(h), Number(mi), Number(s ?? 0))) throw invalid();
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw invalid();
    return { utc: new Date(ms).toISOString() };
  }
  const local = LOCAL_RE.exec(value);
  if (!local) throw invalid();
  const [, y, mo, d, h, mi, s] = local.map(Number) as number[];
  if (!validCalendarDate(y!, mo!, d!) || !validTime(h!, mi!, s ?? 0)) throw invalid();
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : (s ?? 0));
  const resolved = resolveLocal(wall, zone);
  if (resolved.kind === 'gap') {
    throw new UsageError(`${flag} "${value}" does not exist in ${zone} (the clocks go forward then): choose another time or give an offset`, {
      hint: `e.g. ${flag} ${firstWallTimeAfterGap(wall, zone)}, the first minute after the change`,
    });
  }
  const ms = resolved.kind === 'unique' ? resolved.instantMs : resolved.earlierMs;
  return { utc: new Date(ms).toISOString() };
}

/** The first wall-clock minute after a DST gap that contains `wallMs`, as YYYY-MM-DDTHH:MM. */
function firstWallTimeAfterGap(wallMs: number, zone: string): string {
  let probe = wallMs;
  for (let i = 0; i < 24 * 60 && resolveLocal(probe, zone).kind === 'gap'; i += 1) probe += 60_000;
  return new Date(probe).toISOString().slice(0, 16);
}

function validTime(h: number, m: number, s: number): boolean {
  return h >= 0 && h <= 23 && m >= 0 && m <= 59 && (Number.isNaN(s) || (s >= 0 && s <= 59));
}

export function isDateOnly(value: string): boolean {
  return DATE_RE.test(value);
}

/** Adds whole days to a `YYYY-MM-DD` date, without time zones. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The date of an instant as seen in a zone. */
export function dateInZone(instantMs: number, zone: string): string {
  return new Date(wallClockMs(instantMs, zone)).toISOString().slice(0, 10);
}

/** The instant at which a date starts in a zone (first instant of that day). */
export function startOfDayUtc(date: string, zone: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  const resolved = resolveLocal(wall, zone);
  if (resolved.kind === 'unique') return new Date(resolved.instantMs).toISOString();
  if (resolved.kind === 'ambiguous') return new Date(resolved.earlierMs).toISOString();
  // Midnight skipped by DST (e.g. America/Santiago): the day starts at the first instant after it.
  for (let minutes = 1; minutes <= 180; minutes += 1) {
    const later = resolveLocal(wall + minutes * 60_000, zone);
    if (later.kind === 'unique') return new Date(later.instantMs).toISOString();
    if (later.kind === 'ambiguous') return new Date(later.earlierMs).toISOString();
  }
  throw new Error(`cannot find the start of ${date} in ${zone}`);
}

/**
 * A filter bound (`--from/--to`): a date means the start of that day in `zone` (for `--to`, the
 * start of the next day, so the whole day is included); a date-time is read as `parseDateTime`.
 */
export function parseBound(value: string, zone: string, flag: string, end: boolean): string {
  if (isDateOnly(value)) {
    const date = parseDate(value, flag);
    return startOfDayUtc(end ? addDays(date, 1) : date, zone);
  }
  return parseDateTime(value, zone, flag).utc;
}

/**
 * Windows zone names Outlook may record, to the IANA zone they stand for (the common ones, after
 * CLDR's table: https://github.com/unicode-org/cldr/blob/main/common/supplemental/windowsZones.xml).
 */
const WINDOWS_ZONES: Record<string, string> = {
  'utc': 'UTC',
  'gmt standard time': 'Europe/London',
  'greenwich standard time': 'Atlantic/Reykjavik',
  'w. europe standard time': 'Europe/Berlin',
  'romance standard time': 'Europe/Paris',
  'central europe standard time': 'Europe/Budapest',
  'central european standard time': 'Europe/Warsaw',
  'e. europe standard time': 'Europe/Chisinau',
  'fle standard time': 'Europe/Kiev',
  'eastern standard time': 'America/New_York',
  'central standard time': 'America/Chicago',
  'mountain standard time': 'America/Denver',
  'us mountain standard time': 'America/Phoenix',
  'pacific standard time': 'America/Los_Angeles',
  'alaskan standard time': 'America/Anchorage',
  'hawaiian standard time': 'Pacific/Honolulu',
  'atlantic standard time': 'America/Halifax',
  'india standard time': 'Asia/Kolkata',
  'china standard time': 'Asia/Shanghai',
  'tokyo standard time': 'Asia/Tokyo',
  'aus eastern standard time': 'Australia/Sydney',
  'new zealand standard time': 'Pacific/Auckland',
};

/**
 * An IANA zone for a zone name Outlook recorded: an IANA name as it is, a common Windows name
 * mapped (Outlook records either), null when unknown.
 */
export function ianaZone(name: string | null | undefined): string | null {
  if (!name) return null;
  if (isValidTimeZone(name)) return name;
  return WINDOWS_ZONES[name.trim().toLowerCase()] ?? null;
}
