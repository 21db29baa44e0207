// `restore`: undo a deletion the tool made, from what the audit log kept.
// - A CaseFlow event the tool deleted (Outlook's copy was deleted, confirmed) comes back with its
//   old content; it is linked back to its Outlook copy if that exists again, else it is created
//   anew in Outlook at the next run.
// - An Outlook copy the tool deleted (the CaseFlow event was deleted in CaseFlow): the CaseFlow
//   event comes back from the deletion the command recorded, and the next run creates it anew in
//   Outlook.
// A meeting created anew in Outlook sends its attendees a new invitation: the command says so
// first and needs --yes when it cannot ask.

import { ActionRequiredError, NotFoundError, UsageError } from '../../errors.js';
import { getAccount } from '../../store/accounts.js';
import { recordAudit } from '../../store/audit.js';
import { insertEvent, type EventInput } from '../../store/events.js';
import { inTransaction, type Db } from '../../store/open.js';
import { findStaff, type Staff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { listing, type Output } from '../output.js';
import { runHostFor } from '../wiring.js';
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
  /** An Outlook copy to link back to (it exists in Outlook). */
  linkTo: string | null;
  already: number | null;
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
    steps.push({ row, staff, snapshot: { ...snapshot, staffId: staff.id }, linkTo: null, already: alreadyRestored(db, row.id) });
  }
  // An Outlook copy that exists again (restored from Deleted Items) is linked back, not doubled.
  for (const step of steps.filter((s) => s.already === null && s.row.direction === 'caseflow' && s.row.outlook_id)) {
    const account = getAccount(db, step.staff.id);
    if (!account || account.needsReconnect) {
      throw new ActionRequiredError('not_connected', `restoring audit row ${step.row.id} needs to ask Outlook whether its copy exists again, and ${step.staff.email} is not connected`, {
        hint: `connect first: caseflow-outlook connect --staff ${step.staff.email}`,
      });
    }
    const host = await runHostFor(ctx, db, step.staff, ctx.signal);
    const copy = await host.calendar.getEvent(step.row.outlook_id!);
    if (copy) step.linkTo = copy.id;
  }
  const fresh = steps.filter((s) => s.already === null && s.linkTo === null);
  const invited = fresh.filter((s) => s.snapshot.attendees.length > 0);
  if (invited.length && !opts.yes) {
    const question = `${invited.length} restored meeting(s) will be created again in Outlook, and their attendees get a new invitation (${invited.map((s) => s.snapshot.title).join(', ')})`;
    const ok = ctx.io.confirm && !ctx.json ? await ctx.io.confirm(`${question}. Go ahead? [y/N] `) : false;
    if (!ok) throw new UsageError(`${question}; nothing was restored`, { hint: `to go ahead, run it again with --yes` });
  }
  const at = ctx.now().toISOString();
  const results: Result[] = inTransaction(db, () =>
    steps.map((s): Result => {
      if (s.already !== null) return { auditId: s.row.id, staff: s.staff.email, title: s.snapshot.title, eventId: s.already, outcome: `already restored as event ${s.already}` };
      // Created anew in Outlook unless linked back: a CaseFlow event, so the next run pushes it.
      const id = insertEvent(db, { ...s.snapshot, source: s.linkTo ? (s.snapshot.source ?? 'caseflow') : 'caseflow', iCalUId: null, teamsJoinUrl: null }, at);
      if (s.linkTo) {
        db.prepare(
          `INSERT INTO links (staff_id, kind, local_id, item_uid, tag, outlook_id, transaction_id, generation, state, role, local_hash, remote_hash, change_key)
           VALUES (?, 'event', ?, (SELECT uid FROM events WHERE id = ?), NULL, ?, '', 0, 'linked', 'owner', NULL, NULL, NULL)`,
        ).run(s.staff.id, id, id, s.linkTo);
      }
      const outcome = s.linkTo ? 'back in CaseFlow, linked to its Outlook copy' : `back in CaseFlow; created again in Outlook at the next run${s.snapshot.attendees.length ? ' (attendees get a new invitation)' : ''}`;
      recordAudit(db, { staffId: s.staff.id, staffEmail: s.staff.email, trigger: 'cli', direction: 'caseflow', action: 'restore', kind: 'event', eventId: id, outlookId: s.linkTo, summary: `restored (audit row ${s.row.id}): ${s.snapshot.title}`, detail: { restores: s.row.id } }, at);
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
}
