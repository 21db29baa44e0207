// `events add/update/delete/list/show`; the JSON of an event has stable field names.

import { addDays, parseBound } from '../../dates.js';
import { CliError, ExitCode, NotFoundError, UsageError } from '../../errors.js';
import type { RunSummary } from '../../sync/run.js';
import { deleteEvent, getEvent, getEventInput, insertEvent, listEvents, replaceEvent, type EventJson } from '../../store/events.js';
import { getFirm } from '../../store/firm.js';
import { seriesOf, type SeriesInfo } from '../../store/series.js';
import { inTransaction } from '../../store/open.js';
import { requireStaff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { toCliError } from '../errors.js';
import type { HandlerResult } from '../handler.js';
import { listing, record, type Output, type Tone } from '../output.js';
import { auditCli, email, id as parseId, localTime, yesNo } from './common.js';
import { eventInputFromFlags, type EventFlags } from './events-input.js';

export function when(e: Pick<EventJson, 'allDay' | 'start' | 'end' | 'timeZone'>): string {
  if (e.allDay) return e.start === e.end ? `${e.start} (all day)` : `${e.start} .. ${e.end} (all day)`;
  return `${localTime(e.start, e.timeZone)} - ${localTime(e.end, e.timeZone).slice(11)} ${e.timeZone}`;
}

/** Why an event does not sync, if it does not: CaseFlow-made recurring events are not pushed; Outlook's are read-only. */
export function syncNotes(e: EventJson): string[] {
  const notes: string[] = [];
  if (e.recurrence) notes.push('not synced: recurring events created in CaseFlow are not pushed to Outlook');
  if (e.recurringInOutlook) notes.push('read-only: Recurring in Microsoft 365; change it in Outlook');
  return notes;
}

/** An attendee, and whose record their email is on (matched by any of the record's emails). */
function attendeeText(a: EventJson['attendees'][number]): string {
  const who = a.staffId ? ' (staff)' : a.contactId ? ' (contact)' : '';
  return `${a.name ? `${a.name} ` : ''}<${a.email}>${a.type === 'required' ? '' : ` (${a.type})`}${who}`;
}

function showEvent(e: EventJson, series: SeriesInfo | null = null): Output {
  const fields: [string, string, Tone?][] = [
    ['id', String(e.id)],
    ['staff', e.staff],
    ['title', e.title],
    ['when', when(e)],
    ['start', e.start],
    ['end', e.end],
    ['time zone', e.timeZone],
    ['location', e.location],
    ['category', e.category ?? ''],
    ['matter', e.matterId === null ? '' : String(e.matterId)],
    ['confidential', yesNo(e.confidential), e.confidential ? 'warn' : undefined],
    ['teams meeting', yesNo(e.teamsMeeting)],
    ['teams join url', e.teamsJoinUrl ?? ''],
    ['attendees', e.attendees.map(attendeeText).join(', ')],
    ['recurrence', e.recurrence ?? ''],
    ...(series
      ? ([
          ['recurs in Outlook', series.pattern],
          ['exceptions', series.exceptions.map((x) => `${x.start} .. ${x.end}${x.title ? ` ${x.title}` : ''}`).join('; ') || 'none'],
        ] as [string, string][])
      : []),
    ['source', e.source],
    ['outlook id', e.outlookId ?? ''],
    ['description', e.description],
    ['created', e.createdAt],
    ['updated', e.updatedAt],
  ];
  return record(fields, series ? { ...e, series } : e, syncNotes(e));
}

function requireEvent(ctx: Context, raw: string): EventJson {
  const event = getEvent(ctx.db(), parseId(raw, 'EVENT_ID'));
  if (!event) throw new NotFoundError(`event ${raw} does not exist`, { hint: 'list events with: caseflow-outlook events list' });
  return event;
}

type PushFlag = { pushNow?: boolean };

/**
 * `--push-now`: checked before anything is written (gate, connection, prefs); after
 * the event is saved, one cycle for its owner sends it at once.
 */
async function checkPushNow(ctx: Context, flags: PushFlag, ownerEmail: string | undefined, recurring: boolean): Promise<void> {
  // Without an owner the event itself is refused a moment later (--staff is required).
  if (!flags.pushNow || ownerEmail === undefined) return;
  if (recurring) {
    throw new UsageError('--push-now: recurring events created in CaseFlow are not pushed to Outlook; leave out --push-now or --recurrence', {
      hint: 'run the same command without --push-now (the event stays in CaseFlow), or without --recurrence to push a single event',
    });
  }
  // Loaded only for --push-now: the Graph client and MSAL stay out of every other events command.
  const { assertCanSync } = await import('../sync-runs.js');
  assertCanSync(ctx, requireStaff(ctx.db(), ownerEmail), { events: true });
}

async function pushAfterSave(ctx: Context, flags: PushFlag, saved: EventJson): Promise<HandlerResult> {
  if (!flags.pushNow) return { output: showEvent(saved) };
  const { pushNow } = await import('../sync-runs.js');
  let summary: RunSummary;
  try {
    summary = await pushNow(ctx, requireStaff(ctx.db(), saved.staff));
  } catch (error) {
    const retry = `caseflow-outlook daemon --once --staff ${saved.staff}`;
    const e = toCliError(error, { command: retry, staff: saved.staff });
    // Run again (transient, busy, interrupted): the schedule or the daemon sends it. Else what the error says to do.
    const later = e.exitCode === ExitCode.transient || e.exitCode === ExitCode.busy || e.exitCode === ExitCode.interrupted;
    throw new CliError(e.code, `event ${saved.id} was saved, but pushing it now failed: ${e.message}`, e.exitCode, {
      hint: later || e.hint === undefined ? `it goes out on the next scheduled run, or now with: ${retry}` : e.hint,
      cause: e,
    });
  }
  const event = getEvent(ctx.db(), saved.id) ?? saved;
  const shown = showEvent(event);
  const out = { ...shown, json: { ...event, push: summary } } as Output;
  if (summary.errors.length === 0) return { output: out };
  // Saved, but not (all) pushed: say so where people and scripts look, not only in the exit code.
  ctx.log.warn(`event ${saved.id} was saved, but pushing to Outlook did not finish: ${summary.errors.join('; ')}`);
  ctx.notice(`hint: it goes out on the next scheduled run, or now with: caseflow-outlook daemon --once --staff ${saved.staff}`);
  return { output: out, exitCode: ExitCode.transient };
}

export async function add(ctx: Context, flags: EventFlags & PushFlag): Promise<HandlerResult> {
  const db = ctx.db();
  await checkPushNow(ctx, flags, flags.staff, flags.recurrence !== undefined && flags.recurrence !== false);
  const event = inTransaction(db, () => {
    const input = eventInputFromFlags(db, flags, null, getFirm(db).timeZone);
    const id = insertEvent(db, input, ctx.now().toISOString());
    const created = getEvent(db, id)!;
    auditCli(ctx, { staffId: input.staffId, staffEmail: created.staff, direction: 'caseflow', action: 'create', kind: 'event', eventId: id, summary: `event created: ${created.title}` });
    return created;
  });
  return pushAfterSave(ctx, flags, event);
}

export async function update(ctx: Context, rawId: string, flags: EventFlags & PushFlag): Promise<HandlerResult> {
  const db = ctx.db();
  if (flags.pushNow) {
    const current = requireEvent(ctx, rawId);
    await checkPushNow(ctx, flags, flags.staff ?? current.staff, flags.recurrence === undefined ? current.recurrence !== null : flags.recurrence !== false);
  }
  const event = inTransaction(db, () => {
    const current = requireEvent(ctx, rawId);
    if (current.readOnly) {
      throw new UsageError(`event ${current.id} is Recurring in Microsoft 365 and read-only in CaseFlow`, { hint: 'change it in Outlook; the next sync brings the change here' });
    }
    const base = getEventInput(db, current.id)!;
    const input = eventInputFromFlags(db, flags, base, getFirm(db).timeZone);
    replaceEvent(db, current.id, input, ctx.now().toISOString());
    const updated = getEvent(db, current.id)!;
    auditCli(ctx, { staffId: input.staffId, staffEmail: updated.staff, direction: 'caseflow', action: 'update', kind: 'event', eventId: current.id, summary: `event updated: ${updated.title}` });
    return updated;
  });
  return pushAfterSave(ctx, flags, event);
}

/** `events delete` (`delete` is a reserved word). */
export async function remove(ctx: Context, rawId: string): Promise<Output> {
  const db = ctx.db();
  const event = inTransaction(db, () => {
    const current = requireEvent(ctx, rawId);
    if (current.readOnly) {
      throw new UsageError(`event ${current.id} is Recurring in Microsoft 365 and read-only in CaseFlow`, { hint: 'delete it in Outlook; the next sync removes it here' });
    }
    const deleted = getEventInput(db, current.id);
    deleteEvent(db, current.id);
    // What restore brings back (this store only; never sent anywhere).
    auditCli(ctx, { staffId: null, staffEmail: current.staff, direction: 'caseflow', action: 'delete', kind: 'event', eventId: current.id, outlookId: current.outlookId, summary: `event deleted: ${current.title}`, detail: { deleted } });
    return current;
  });
  return record([['deleted', String(event.id)], ['title', event.title]], { deleted: true, id: event.id });
}

export async function show(ctx: Context, rawId: string): Promise<Output> {
  const event = requireEvent(ctx, rawId);
  return showEvent(event, event.recurringInOutlook ? seriesOf(ctx.db(), event.id) : null);
}

/** The OUTLOOK column of `events list`: how the event stands with Outlook, in words. */
function outlookState(e: EventJson): string {
  if (e.recurringInOutlook) return 'recurring in Microsoft 365 (read-only)';
  if (e.outlookId) return 'linked';
  return e.recurrence ? 'not synced (recurring)' : '';
}

/** A --to a month after a --from, for the hint: `2026-12-05` -> `2027-01-04`. */
function toExample(from: string): string {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(from)?.[0];
  return date ? addDays(date, 30) : '2026-12-31';
}

export async function list(ctx: Context, opts: { staff?: string; from?: string; to?: string }): Promise<Output> {
  const db = ctx.db();
  const zone = getFirm(db).timeZone;
  const staffId = opts.staff !== undefined ? requireStaff(db, email(opts.staff, '--staff')).id : undefined;
  const fromUtc = opts.from !== undefined ? parseBound(opts.from, zone, '--from', false) : undefined;
  const toUtc = opts.to !== undefined ? parseBound(opts.to, zone, '--to', true) : undefined;
  if (fromUtc && toUtc && toUtc <= fromUtc) {
    throw new UsageError(`--to ${opts.to} is not after --from ${opts.from}`, { hint: `give a --to later than --from, e.g. --from ${opts.from} --to ${toExample(opts.from!)}` });
  }
  const dateOf = (bound: string | undefined, raw: string | undefined, end: boolean) =>
    raw === undefined ? undefined : /^\d{4}-\d{2}-\d{2}$/.test(raw) ? (end ? addDays(raw, 1) : raw) : bound?.slice(0, 10);
  const events = listEvents(db, { staffId, fromUtc, toUtc, fromDate: dateOf(fromUtc, opts.from, false), toDate: dateOf(toUtc, opts.to, true) });
  return listing<EventJson>(
    [
      { header: 'ID', value: (e) => String(e.id) },
      { header: 'STAFF', value: (e) => e.staff },
      { header: 'WHEN', value: (e) => when(e) },
      { header: 'TITLE', value: (e) => e.title },
      { header: 'CATEGORY', value: (e) => e.category ?? '' },
      { header: 'CONFIDENTIAL', value: (e) => yesNo(e.confidential), tone: (e) => (e.confidential ? 'warn' : undefined) },
      { header: 'SOURCE', value: (e) => e.source },
      { header: 'OUTLOOK', value: outlookState },
    ],
    events,
    events,
    'no events match',
  );
}
