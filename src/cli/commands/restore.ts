// `restore`: undo a deletion the tool made, from what the audit log kept.
// - A CaseFlow event the tool deleted (Outlook's copy was deleted, confirmed) comes back with its
//   old content and is created anew in Outlook at the next run.
// - An Outlook copy the tool deleted (the CaseFlow event was deleted in CaseFlow): the CaseFlow
//   event comes back from the deletion the command recorded, and the next run creates it anew in
//   Outlook.
// A meeting created anew in Outlook sends its attendees a new invitation: the command says so
// first and needs --yes when it cannot ask. Nothing is restored twice: not a row already
// restored, not an event whose Outlook copy exists again (restored in Outlook: the next sync
// brings it in), not an occurrence of an Outlook series (restore the series in Outlook), not a
// meeting someone else organised (it would come back with this staff member as its organiser).

import { ActionRequiredError, BusyError, NotFoundError, UsageError } from '../../errors.js';
import { standingConnection } from '../../store/connections.js';
import { recordAudit } from '../../store/audit.js';
import { insertEvent, type EventInput } from '../../store/events.js';
import { acquireLock } from '../../store/lock.js';
import { inTransaction, type Db } from '../../store/open.js';
import { findStaff, type Staff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { listing, type Output } from '../output.js';
import { remoteCalendarFor } from '../wiring.js';
import { id as parseId } from './common.js';

const DAY = 86_400_000;
const KEEP_DAYS = 30;

interface Row {
  id: number;
  at: string;
  staff_id: number | null;
  staff_email: string | null;
  direction: string;
  action: string;
  kind: string;
  event_id: number | null;
  outlook_id: string | null;
  detail: string | null;
  run_id: string | null;
}

interface Step {
  row: Row;
  staff: Staff;
  snapshot: EventInput;
  /** Why it is not restored (null: it is). */
  not: string | null;
}

interface Result {
  auditId: number;
  staff: string;
  title: string;
  eventId: number | null;
  outcome: string;
}

const snapshotOf = (detail: string | null): EventInput | null => {
  try {
    return (JSON.parse(detail ?? 'null') as { deleted?: EventInput } | null)?.deleted ?? null;
  } catch {
    return null;
  }
};

function alreadyRestored(db: Db, auditId: number): number | null {
  const row = db.prepare(`SELECT event_id FROM audit WHERE action = 'restore' AND json_extract(detail, '$.restores') = ?`).get(auditId) as { event_id: number } | undefined;
  return row?.event_id ?? null;
}

/** The CaseFlow event a deletion was about, as it was: kept by the tool or by the command. */
function findSnapshot(db: Db, row: Row): EventInput | null {
  if (row.direction === 'caseflow') return snapshotOf(row.detail);
  const cli = db
    .prepare(`SELECT detail FROM audit WHERE kind = 'event' AND event_id = ? AND action = 'delete' AND direction = 'caseflow' AND id < ? ORDER BY id DESC LIMIT 1`)
    .get(row.event_id, row.id) as { detail: string | null } | undefined;
  return snapshotOf(cli?.detail ?? null);
}

export async function restore(ctx: Context, rawId: string | undefined, opts: { run?: string; yes?: boolean }): Promise<Output> {
  if ((rawId === undefined) === (opts.run === undefined)) {
    throw new UsageError('give one audit row (AUDIT_ID) or one run (--run RUN_ID)', { hint: 'find deletions with: caseflow-outlook audit --action delete' });
  }
  const db = ctx.db();
  let rows: Row[];
  if (rawId !== undefined) {
    const id = parseId(rawId, 'AUDIT_ID');
    const row = db.prepare('SELECT * FROM audit WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new NotFoundError(`audit row ${id} does not exist`, { hint: 'find deletions with: caseflow-outlook audit --action delete' });
    if (row.action !== 'delete' || row.kind !== 'event' || row.staff_id === null || row.direction === 'none') {
      throw new UsageError(`audit row ${id} is not a deletion of an event made by a sync run (it is "${row.action}" of a ${row.kind})`, { hint: 'find deletions with: caseflow-outlook audit --action delete' });
    }
    rows = [row];
  } else {
    const run = opts.run!.trim();
    if (!/^[0-9a-f]{6,32}$/.test(run)) throw new UsageError(`--run "${opts.run}" is not a run id (hex digits, as in a run's summary)`, { hint: 'find run ids with: caseflow-outlook audit --action delete --json' });
    rows = db.prepare(`SELECT * FROM audit WHERE run_id = ? AND action = 'delete' AND kind = 'event' AND staff_id IS NOT NULL ORDER BY id`).all(run) as Row[];
    if (rows.length === 0) throw new NotFoundError(`run ${run} deleted no event`, { hint: 'find deletions with: caseflow-outlook audit --action delete --json' });
  }
  const now = ctx.now().getTime();
  const steps: Step[] = [];
  for (const row of rows) {
    if (now - Date.parse(row.at) > KEEP_DAYS * DAY) {
      throw new UsageError(`audit row ${row.id} is from ${row.at.slice(0, 10)}, more than ${KEEP_DAYS} days ago: deletions can be undone for ${KEEP_DAYS} days`, { hint: 'contact support for older deletions' });
    }
    const staff = findStaff(db, row.staff_email ?? '');
    const snapshot = findSnapshot(db, row);
    if (!staff || !snapshot) {
      throw new UsageError(`audit row ${row.id}: the deleted event's content was not kept (deleted before this version kept it), so it cannot be restored`, { hint: 'recreate it with: caseflow-outlook events add' });
    }
    let not: string | null = null;
    if (snapshot.readOnly || snapshot.recurringInOutlook) not = 'an occurrence of a recurring Outlook series: restore the series in Outlook, and the next sync brings it back';
    else if (snapshot.source === 'outlook' && snapshot.attendees.length > 0) not = `a meeting that came from Outlook: restoring it would make ${staff.email} its organiser; ask its organiser to send it again`;
    steps.push({ row, staff, snapshot: { ...snapshot, staffId: staff.id }, not });
  }
  // An Outlook copy that exists again (restored in Outlook) is left to the next sync: restoring
  // it here too would make it twice.
  // One Outlook calendar per staff member (a whole run's deletions are usually one person's).
  const calendars = new Map<number, Awaited<ReturnType<typeof remoteCalendarFor>>>();
  for (const step of steps.filter((s) => s.not === null && s.row.outlook_id)) {
    const linked = db.prepare('SELECT local_id FROM links WHERE staff_id = ? AND outlook_id = ?').get(step.staff.id, step.row.outlook_id) as { local_id: number } | undefined;
    if (linked) {
      step.not = `its Outlook copy is back already, as event ${linked.local_id}`;
      continue;
    }
    if (!standingConnection(db, step.staff.id)) {
      throw new ActionRequiredError('not_connected', `restoring audit row ${step.row.id} needs to ask Outlook whether its copy exists again, and ${step.staff.email} is not connected`, {
        hint: `connect first: caseflow-outlook connect --staff ${step.staff.email}`,
      });
    }
    let calendar = calendars.get(step.staff.id);
    if (!calendar) calendars.set(step.staff.id, (calendar = await remoteCalendarFor(ctx, db, step.staff, ctx.signal)));
    if (await calendar.getEvent(step.row.outlook_id!)) step.not = 'its Outlook copy exists again (restored in Outlook): the next sync brings it in';
  }
  const fresh = steps.filter((s) => s.not === null && alreadyRestored(db, s.row.id) === null);
  const invited = fresh.filter((s) => s.snapshot.attendees.length > 0);
  if (invited.length && !opts.yes) {
    const question = `${invited.length} restored meeting(s) will be created again in Outlook, and their attendees get a new invitation (${invited.map((s) => s.snapshot.title).join(', ')})`;
    const ok = ctx.io.confirm && !ctx.json ? await ctx.io.confirm(`${question}. Go ahead? [y/N] `) : false;
    if (!ok) throw new UsageError(`${question}; nothing was restored`, { hint: `to go ahead, run it again with --yes` });
  }
  // Under each staff member's sync lock, so no run commits over the restored events meanwhile.
  const locks = new Map<number, { release(): void }>();
  try {
    for (const s of fresh) {
      if (locks.has(s.staff.id)) continue;
      const lock = acquireLock(db, s.staff.id, ctx.now());
      if ('heldBy' in lock) throw new BusyError(`another run is syncing ${s.staff.email} right now`, { hint: `wait for it to finish, then run the same restore again` });
      locks.set(s.staff.id, lock);
    }
    const at = ctx.now().toISOString();
    const results: Result[] = inTransaction(db, () =>
      steps.map((s): Result => {
        if (s.not) return { auditId: s.row.id, staff: s.staff.email, title: s.snapshot.title, eventId: null, outcome: `not restored: ${s.not}` };
        // Read again inside the transaction: two restores of one row make one event.
        const already = alreadyRestored(db, s.row.id);
        if (already !== null) return { auditId: s.row.id, staff: s.staff.email, title: s.snapshot.title, eventId: already, outcome: `already restored as event ${already}` };
        // A CaseFlow event again: the next run creates it anew in Outlook.
        const id = insertEvent(db, { ...s.snapshot, source: 'caseflow', readOnly: false, recurringInOutlook: false, iCalUId: null, teamsJoinUrl: null }, at);
        recordAudit(db, { staffId: s.staff.id, staffEmail: s.staff.email, trigger: 'cli', direction: 'caseflow', action: 'restore', kind: 'event', eventId: id, summary: `restored (audit row ${s.row.id}): ${s.snapshot.title}`, detail: { restores: s.row.id } }, at);
        const outcome = `back in CaseFlow; created again in Outlook at the next run${s.snapshot.attendees.length ? ' (attendees get a new invitation)' : ''}`;
        return { auditId: s.row.id, staff: s.staff.email, title: s.snapshot.title, eventId: id, outcome };
      }),
    );
    return listing<Result>(
      [
        { header: 'AUDIT', value: (r) => String(r.auditId) },
        { header: 'STAFF', value: (r) => r.staff },
        { header: 'EVENT', value: (r) => (r.eventId === null ? '' : String(r.eventId)) },
        { header: 'TITLE', value: (r) => r.title },
        { header: 'OUTCOME', value: (r) => r.outcome },
      ],
      results,
    );
  } finally {
    for (const lock of locks.values()) lock.release();
  }
}
