// `explain EVENT_ID | --task ID | --deadline ID`: everything about one item's sync, from the rules
// that decide it: its Outlook id, direction, why it is or is not confidential and what it is
// titled there (sync.protectedTitle), whether it syncs
// and why not, what the next run would do for it, open conflicts, and its audit trail.

import { NotFoundError, UsageError } from '../../errors.js';
import { connectionOf } from '../../store/connections.js';
import { listAudit, type AuditJson } from '../../store/audit.js';
import { protectedCategoryNames } from '../../store/categories.js';
import { listConflicts } from '../../store/conflicts.js';
import { getDeadline, getTask } from '../../store/due-items.js';
import { getEvent } from '../../store/events.js';
import { getFirm, outlookEnabled } from '../../store/firm.js';
import { storeInstanceId } from '../../store/meta.js';
import type { Db } from '../../store/open.js';
import { getPrefs } from '../../store/prefs.js';
import { findStaff, listStaff, type Staff } from '../../store/staff.js';
import { SqliteSyncStore } from '../../store/sync-store.js';
import { getSyncState, syncWindow } from '../../store/sync-state.js';
import { confidentialityReason, isConfidential, titleMask } from '../../sync/confidentiality.js';
import { DEADLINE_TITLE_PREFIX, TASK_TITLE_PREFIX } from '../../sync/content.js';
import { explainItem, type ItemStory } from '../../sync/explain.js';
import type { ItemKind } from '../../sync/model.js';
import type { Context } from '../context.js';
import { record, type Output } from '../output.js';
import { runPolicy } from '../run-policy.js';
import { id as parseId, yesNo } from './common.js';

interface Subject {
  kind: ItemKind;
  id: number;
  title: string;
  /** The staff members whose Outlook it goes to. */
  staff: Staff[];
  confidential: boolean;
  confidentialWhy: string;
  /** Events: the category's name (the masked title in `category` mode). */
  category: string | null;
}

function subjectOf(db: Db, kind: ItemKind, id: number): Subject | null {
  if (kind === 'event') {
    const e = getEvent(db, id);
    if (!e) return null;
    const facts = { kind, matterId: e.matterId, category: e.category };
    const names = protectedCategoryNames(db);
    return { kind, id, title: e.title, staff: [findStaff(db, e.staff)!], confidential: isConfidential(facts, names), confidentialWhy: confidentialityReason(facts, names), category: e.category };
  }
  if (kind === 'task') {
    const t = getTask(db, id);
    if (!t) return null;
    const facts = { kind, matterId: t.matterId, category: null };
    return { kind, id, title: t.title, staff: [findStaff(db, t.staff)!], confidential: isConfidential(facts, []), confidentialWhy: confidentialityReason(facts, []), category: null };
  }
  const d = getDeadline(db, id);
  if (!d) return null;
  const assigned = (db.prepare('SELECT staff_id FROM matter_staff WHERE matter_id = ?').all(d.matterId) as { staff_id: number }[]).map((r) => r.staff_id);
  const facts = { kind, matterId: d.matterId, category: null };
  return { kind, id, title: d.title, staff: listStaff(db).filter((s) => assigned.includes(s.id)), confidential: true, confidentialWhy: confidentialityReason(facts, []), category: null };
}

/** What the item's Outlook copy is titled under the settings (the rule that builds the payload). */
function titleInOutlook(ctx: Context, s: Subject): string {
  const prefix = s.kind === 'task' ? TASK_TITLE_PREFIX : s.kind === 'deadline' ? DEADLINE_TITLE_PREFIX : '';
  return titleMask(s, ctx.settings['sync.protectedTitle']) ?? `${prefix}${s.title.trim()}`;
}

/** What keeps a staff member's runs from happening at all, in words (empty: nothing). */
function blockersOf(ctx: Context, db: Db, staff: Staff): string[] {
  const out: string[] = [];
  if (!outlookEnabled(getFirm(db))) out.push('Outlook sync is not enabled for this firm (Multi-Practice plan with the private beta): contact support');
  const connection = connectionOf(db, staff.id);
  if (!connection) out.push(`${staff.email} is not connected: caseflow-outlook connect --staff ${staff.email}`);
  else if (connection.via === 'sign-in' && connection.account.needsReconnect) out.push(`the sign-in of ${staff.email} expired or was revoked: caseflow-outlook connect --staff ${staff.email} --force`);
  if (!getPrefs(db, staff.id).enabled) out.push(`sync is paused for ${staff.email}: caseflow-outlook prefs set --staff ${staff.email} --enabled on`);
  const breaker = getSyncState(db, staff.id).breaker;
  if (breaker) out.push(`deletions are held by the mass-deletion breaker (${breaker}): caseflow-outlook plan --staff ${staff.email}, then sync --staff ${staff.email} --allow-deletes`);
  return out;
}

export async function explain(ctx: Context, rawEvent: string | undefined, opts: { task?: string; deadline?: string }): Promise<Output> {
  const given = [rawEvent !== undefined, opts.task !== undefined, opts.deadline !== undefined].filter(Boolean).length;
  if (given !== 1) {
    throw new UsageError('give one item: an EVENT_ID, --task ID or --deadline ID', { hint: 'e.g. caseflow-outlook explain 12, or caseflow-outlook explain --task 4' });
  }
  const kind: ItemKind = rawEvent !== undefined ? 'event' : opts.task !== undefined ? 'task' : 'deadline';
  const raw = (rawEvent ?? opts.task ?? opts.deadline)!;
  const id = parseId(raw, kind === 'event' ? 'EVENT_ID' : kind === 'task' ? '--task' : '--deadline');
  const db = ctx.db();
  const subject = subjectOf(db, kind, id);
  if (!subject) throw new NotFoundError(`${kind} ${id} does not exist`, { hint: `list them with: caseflow-outlook ${kind === 'event' ? 'events' : kind === 'task' ? 'tasks' : 'deadlines'} list` });
  const perStaff: (ItemStory & { staff: string; lastSyncAt: string | null })[] = [];
  for (const staff of subject.staff) {
    const store = new SqliteSyncStore(db, staff, ctx.now);
    const story = explainItem(kind, id, {
      store,
      staff: staff.id,
      storeId: storeInstanceId(db),
      window: syncWindow(db, staff, ctx.now(), ctx.settings['sync.horizonDays']),
      policy: { ...runPolicy(ctx, getPrefs(db, staff.id)), push: true },
      blockers: blockersOf(ctx, db, staff),
    });
    const synced = db.prepare('SELECT synced_at FROM links WHERE staff_id = ? AND kind = ? AND local_id = ?').get(staff.id, kind, id) as { synced_at: string | null } | undefined;
    if (story) perStaff.push({ ...story, staff: staff.email, lastSyncAt: synced?.synced_at ?? null });
  }
  const conflicts = kind === 'event' ? listConflicts(db).filter((c) => c.eventId === id && c.status === 'open') : [];
  const trail: AuditJson[] = listAudit(db, { eventId: id, kind, limit: 20 });
  const fields: [string, string, ('good' | 'bad' | 'warn' | 'dim')?][] = [
    ['item', `${kind} ${id}`],
    ['title', subject.title],
    ['confidential', `${yesNo(subject.confidential)}: ${subject.confidentialWhy}`, subject.confidential ? 'warn' : undefined],
    ['title in Outlook', titleInOutlook(ctx, subject)],
  ];
  if (perStaff.length === 0) fields.push(['syncs', 'no: nobody is assigned to it', 'warn']);
  for (const s of perStaff) {
    const who = perStaff.length > 1 ? ` (${s.staff})` : '';
    fields.push(
      [`staff${who}`, s.staff],
      [`direction${who}`, s.direction],
      [`outlook id${who}`, s.outlookId ?? ''],
      [`link${who}`, s.linkState],
      [`syncs${who}`, s.syncs ? 'yes' : `no: ${s.why.join('; ')}`, s.syncs ? 'good' : 'warn'],
      [`last sync${who}`, s.lastSyncAt ?? 'never'],
      [`next run${who}`, s.nextRun],
    );
  }
  for (const c of conflicts) fields.push(['open conflict', `${c.id}: see caseflow-outlook conflicts show ${c.id}`, 'warn']);
  for (const a of trail) fields.push(['history', `${a.at} ${a.trigger} ${a.action}: ${a.summary}`]);
  return record(fields, { kind, id, title: subject.title, confidential: subject.confidential, confidentialWhy: subject.confidentialWhy, titleInOutlook: titleInOutlook(ctx, subject), staff: perStaff, openConflicts: conflicts.map((c) => c.id), audit: trail });
}
