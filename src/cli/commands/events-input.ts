// Turns `events add/update` flags into a validated EventInput. Everything that can be checked is
// checked here, before anything is written (a failed command leaves the store as it was).

import { addDays, assertTimeZone, parseDate, parseDateTime } from '../../dates.js';
import { UsageError } from '../../errors.js';
import { requireCategory } from '../../store/categories.js';
import { ownerOfEmail } from '../../store/contacts.js';
import type { Attendee, EventInput } from '../../store/events.js';
import { requireMatter } from '../../store/matters.js';
import type { Db } from '../../store/open.js';
import { requireStaff } from '../../store/staff.js';
import { email, localTime, text } from './common.js';

export interface EventFlags {
  staff?: string;
  title?: string;
  description?: string;
  start?: string;
  end?: string;
  allDay?: boolean;
  timeZone?: string;
  location?: string;
  category?: string | false;
  matter?: string | false;
  teams?: boolean;
  attendee?: string[];
  optionalAttendee?: string[];
  attendees?: boolean;
  recurrence?: string | false;
}

/** `2026-12-01T09:00` -> `2026-12-01T10:00` (wall clock, for examples in hints). */
function laterByAnHour(wall: string): string {
  return new Date(Date.parse(`${wall.slice(0, 16)}:00Z`) + 3_600_000).toISOString().slice(0, 16);
}

/**
 * A timed event whose end is before its start. On an update one side may be the stored value:
 * it is shown as the user would type it, in the event's zone.
 */
function endBeforeStart(startRaw: string | undefined, endRaw: string | undefined, start: string, end: string, zone: string): UsageError {
  const wall = (utc: string) => localTime(utc, zone).replace(' ', 'T');
  const tail = 'the end must not be earlier than the start';
  if (startRaw === undefined) {
    return new UsageError(`--end ${endRaw} is before the event's start, ${wall(start)} (${zone}): ${tail}`, {
      hint: `give an --end after the start, e.g. --end ${laterByAnHour(wall(start))}, or move both with --start and --end`,
    });
  }
  if (endRaw === undefined) {
    return new UsageError(`--start ${startRaw} is after the event's end, ${wall(end)} (${zone}): ${tail}`, {
      hint: `move both, e.g. --start ${startRaw} --end ${laterByAnHour(wall(start))}`,
    });
  }
  return new UsageError(`--end ${endRaw} is before --start ${startRaw}: ${tail}`, {
    hint: `give an --end after --start, e.g. --start ${startRaw} --end ${laterByAnHour(wall(start))}`,
  });
}

const RRULE_RE = /^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Z0-9,+-]+)*$/;

function attendees(db: Db, flags: EventFlags): Attendee[] | undefined {
  if (flags.attendees === false) return [];
  if (!flags.attendee && !flags.optionalAttendee) return undefined;
  const out: Attendee[] = [];
  const seen = new Set<string>();
  const push = (raw: string, flag: string, type: Attendee['type']) => {
    const address = email(raw, flag);
    if (seen.has(address)) {
      throw new UsageError(`${flag} "${address}" is listed twice`, { hint: 'give each attendee once, as either --attendee or --optional-attendee' });
    }
    seen.add(address);
    // Attendees go out with the email on their record; the name comes from it too.
    out.push({ email: address, name: ownerOfEmail(db, address)?.name ?? '', type });
  };
  for (const a of flags.attendee ?? []) push(a, '--attendee', 'required');
  for (const a of flags.optionalAttendee ?? []) push(a, '--optional-attendee', 'optional');
  return out;
}

/**
 * Builds the event from flags over `base` (the stored event for an update, or defaults for add).
 * `firmZone` is the default zone for timed values typed without an offset.
 */
export function eventInputFromFlags(db: Db, flags: EventFlags, base: EventInput | null, firmZone: string): EventInput {
  const staffId = flags.staff !== undefined ? requireStaff(db, email(flags.staff, '--staff')).id : base?.staffId;
  if (staffId === undefined) {
    throw new UsageError('--staff is required (the staff member who owns the event)', { hint: 'add --staff with their email; list staff with: caseflow-outlook staff list' });
  }
  const title = flags.title !== undefined ? text(flags.title, '--title', { required: true, max: 255 }) : base?.title;
  if (title === undefined) throw new UsageError('--title is required', { hint: 'add a title, e.g. --title "Hearing"' });
  const timeZone = flags.timeZone !== undefined ? assertTimeZone(flags.timeZone, '--time-zone') : (base?.timeZone ?? firmZone);
  const allDay = flags.allDay ?? base?.allDay ?? false;
  const switching = base !== null && allDay !== base.allDay;

  let start: string;
  let end: string;
  if (allDay) {
    const startRaw = flags.start ?? (switching ? undefined : base?.start);
    if (startRaw === undefined) {
      throw new UsageError('--start is required: --all-day --start YYYY-MM-DD [--end YYYY-MM-DD]', { hint: 'e.g. --all-day --start 2026-12-07 --end 2026-12-09' });
    }
    start = parseDate(startRaw, '--start');
    const endRaw = flags.end ?? (flags.start !== undefined || switching ? undefined : base?.end);
    end = endRaw === undefined ? start : parseDate(endRaw, '--end');
    if (end < start) {
      throw new UsageError(`--end ${end} is before --start ${start}: for all-day events --end is the last day, inclusive (omit it for a one-day event)`, {
        hint: `give an --end on or after --start, e.g. --all-day --start ${start} --end ${addDays(start, 1)}, or leave --end out`,
      });
    }
  } else {
    const startRaw = flags.start;
    const endRaw = flags.end;
    if (base === null || switching) {
      if (startRaw === undefined || endRaw === undefined) {
        throw new UsageError('--start and --end are required for a timed event: --start 2026-12-01T09:00 --end 2026-12-01T10:00 (or use --all-day)', {
          hint: `give both, e.g. --start ${startRaw ?? '2026-12-01T09:00'} --end ${endRaw ?? (startRaw && /T\d\d:\d\d$/.test(startRaw) ? laterByAnHour(startRaw) : '2026-12-01T10:00')}, or add --all-day`,
        });
      }
    }
    start = startRaw !== undefined ? parseDateTime(startRaw, timeZone, '--start').utc : base!.start;
    end = endRaw !== undefined ? parseDateTime(endRaw, timeZone, '--end').utc : base!.end;
    if (Date.parse(end) < Date.parse(start)) throw endBeforeStart(startRaw, endRaw, start, end, timeZone);
  }
  // An all-day event's last day must exist as a date; `addDays` keeps the check honest.
  if (allDay && addDays(end, 0) !== end) throw new UsageError(`--end "${end}" is not a valid date`, { hint: 'e.g. --end 2026-12-03 (the last day, inclusive)' });

  let categoryId = base?.categoryId ?? null;
  if (flags.category === false) categoryId = null;
  else if (flags.category !== undefined) categoryId = requireCategory(db, flags.category).id;

  let matterId = base?.matterId ?? null;
  if (flags.matter === false) matterId = null;
  else if (flags.matter !== undefined) matterId = requireMatter(db, flags.matter);

  let recurrence = base?.recurrence ?? null;
  if (flags.recurrence === false) recurrence = null;
  else if (flags.recurrence !== undefined) {
    const rule = flags.recurrence.trim().toUpperCase();
    if (!RRULE_RE.test(rule)) {
      throw new UsageError(`--recurrence "${flags.recurrence}" is not a recurrence rule: use FREQ=DAILY|WEEKLY|MONTHLY|YEARLY with optional ;COUNT=N;INTERVAL=N;BYDAY=MO,WE`, {
        hint: 'e.g. --recurrence "FREQ=WEEKLY;COUNT=6" or --recurrence "FREQ=WEEKLY;BYDAY=TU"',
      });
    }
    recurrence = rule;
  }

  return {
    staffId,
    title,
    description: flags.description !== undefined ? text(flags.description, '--description', { max: 20_000 }) : (base?.description ?? ''),
    allDay,
    start,
    end,
    timeZone,
    location: flags.location !== undefined ? text(flags.location, '--location', { max: 500 }) : (base?.location ?? ''),
    categoryId,
    matterId,
    teamsMeeting: flags.teams ?? base?.teamsMeeting ?? false,
    teamsJoinUrl: base?.teamsJoinUrl ?? null,
    recurrence,
    source: base?.source ?? 'caseflow',
    readOnly: base?.readOnly ?? false,
    recurringInOutlook: base?.recurringInOutlook ?? false,
    iCalUId: base?.iCalUId ?? null,
    attendees: attendees(db, flags) ?? base?.attendees ?? [],
  };
}
