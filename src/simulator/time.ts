// Wall-clock <-> instant conversion for Graph's `{dateTime, timeZone}` pairs. Graph accepts IANA
// and Windows zone names (https://learn.microsoft.com/graph/api/resources/datetimetimezone); a
// handful of Windows names are mapped here.

const WINDOWS_ZONES: Record<string, string> = {
  'utc': 'UTC',
  'coordinated universal time': 'UTC',
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

const formatters = new Map<string, Intl.DateTimeFormat>();

/** IANA id for a Graph zone name, or null when Graph would refuse it. */
export function resolveZone(name: string | undefined | null): string | null {
  if (!name) return null;
  const trimmed = name.trim();
  const windows = WINDOWS_ZONES[trimmed.toLowerCase()];
  if (windows) return windows;
  if (/^(etc\/)?(utc|gmt)$/i.test(trimmed)) return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: trimmed });
    return trimmed;
  } catch {
    return null;
  }
}

export interface Wall {
  y: number;
  mo: number; // 1-12
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function utcToWall(ms: number, zone: string): Wall {
  if (zone === 'UTC') {
    const d = new Date(ms);
    return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds(), ms: d.getUTCMilliseconds() };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    y: parts.year ?? 1970,
    mo: parts.month ?? 1,
    d: parts.day ?? 1,
    h: (parts.hour ?? 0) % 24,
    mi: parts.minute ?? 0,
    s: parts.second ?? 0,
    ms: ((ms % 1000) + 1000) % 1000,
  };
}

function wallAsUtc(w: Wall): number {
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s, w.ms);
}

function offsetAt(ms: number, zone: string): number {
  return wallAsUtc(utcToWall(ms, zone)) - ms;
}

/** The instant of a wall time in a zone (times inside a DST gap move forward, like Outlook). */
export function wallToUtc(w: Wall, zone: string): number {
  const naive = wallAsUtc(w);
  const first = naive - offsetAt(naive, zone);
  const second = naive - offsetAt(first, zone);
  return offsetAt(second, zone) === offsetAt(first, zone) ? second : Math.max(first, second);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Graph's format: `2026-03-10T09:00:00.0000000` (seven fractional digits, no offset). */
export function formatWall(w: Wall): string {
  return `${pad(w.y, 4)}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}:${pad(w.s)}.${pad(w.ms, 3)}0000`;
}

/** `2026-03-10T09:00:00.1230000Z`, as in createdDateTime / lastModifiedDateTime. */
export function formatInstant(ms: number): string {
  return `${formatWall(utcToWall(ms, 'UTC'))}Z`;
}

/** Parses Graph's dateTime (`YYYY-MM-DDTHH:mm[:ss[.fffffff]]`, a trailing `Z` tolerated). */
export function parseWall(value: unknown): Wall | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?Z?$/.exec(value.trim());
  if (!m) return null;
  const w: Wall = {
    y: Number(m[1]),
    mo: Number(m[2]),
    d: Number(m[3]),
    h: Number(m[4] ?? 0),
    mi: Number(m[5] ?? 0),
    s: Number(m[6] ?? 0),
    ms: Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3)),
  };
  const check = new Date(wallAsUtc(w));
  if (check.getUTCMonth() + 1 !== w.mo || check.getUTCDate() !== w.d || w.h > 23 || w.mi > 59 || w.s > 59) {
    return null;
  }
  return w;
}

/** ISO-8601 with optional offset (none = UTC), as in `startDateTime` query parameters. */
export function parseIsoInstant(value: string | null): number | null {
  if (!value) return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!m) return null;
  const offset = m[3] && m[3].toUpperCase() !== 'Z' ? m[3] : 'Z';
  const normalizedOffset = offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
  const time = (m[2] ?? '00:00:00').replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(`${m[1]}T${time.length === 5 ? `${time}:00` : time}${normalizedOffset}`);
  return Number.isNaN(ms) ? null : ms;
}

export function isMidnight(w: Wall): boolean {
  return w.h === 0 && w.mi === 0 && w.s === 0 && w.ms === 0;
}

/** Days since 1970-01-01 for a calendar date (time fields ignored). */
export function dayNumber(w: Pick<Wall, 'y' | 'mo' | 'd'>): number {
  return Math.floor(Date.UTC(w.y, w.mo - 1, w.d) / 86_400_000);
}

export function fromDayNumber(day: number): Wall {
  const dt = new Date(day * 86_400_000);
  return { y: dt.getUTCFullYear(), mo: dt.getUTCMonth() + 1, d: dt.getUTCDate(), h: 0, mi: 0, s: 0, ms: 0 };
}
