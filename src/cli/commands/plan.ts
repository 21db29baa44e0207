// `plan --staff E`: the next scheduled run, planned and not carried out. Outlook is read (the
// delta round), nothing is written: no Graph write, no delta link saved, the store unchanged.

import { getPrefs } from '../../store/prefs.js';
import { requireStaff } from '../../store/staff.js';
import { getSyncState } from '../../store/sync-state.js';
import { planRun, type PlannedItem, type PlanReport } from '../../sync/dry-run.js';
import type { Context } from '../context.js';
import { listing, message, type Output } from '../output.js';
import { runPolicy } from '../run-policy.js';
import { assertCanSync } from '../sync-runs.js';
import { runHostFor } from '../wiring.js';
import { email } from './common.js';

interface Row {
  what: string;
  item: string;
  title: string;
  when: string;
  note: string;
}

const when = (i: PlannedItem) => (i.start ? (i.end && i.end !== i.start ? `${i.start} .. ${i.end}` : i.start) : '');
const itemOf = (i: PlannedItem) => (i.localId !== null ? `${i.kind} ${i.localId}` : `Outlook ${i.outlookId ?? ''}`);

export function planRows(r: PlanReport, staffEmail: string): Row[] {
  const rows: Row[] = [];
  const add = (what: string, items: PlannedItem[], note = '') => {
    for (const i of items) rows.push({ what, item: itemOf(i), title: i.title || (i.localId !== null ? '(deleted in CaseFlow)' : ''), when: when(i), note });
  };
  add('create in Outlook', r.outlook.create);
  add('update in Outlook', r.outlook.update);
  add('delete in Outlook', r.outlook.delete);
  add('create in CaseFlow', r.caseflow.create);
  add('update in CaseFlow', r.caseflow.update);
  add('delete in CaseFlow', r.caseflow.delete);
  add('conflict for review', r.conflicts, 'protected: neither side is written until conflicts resolve');
  add("Outlook's version wins", r.outlookWins, "changed on both sides; CaseFlow's version is kept in the audit log");
  for (const inv of r.invitations) rows.push({ what: `Outlook sends ${inv.sends}`, item: '', title: inv.title, when: '', note: `to ${inv.to.join(', ')}` });
  if (r.breaker) {
    rows.push({ what: 'held back', item: '', title: '', when: '', note: `${r.breaker.wouldDelete} deletion(s) (${r.breaker.outlook} in Outlook, ${r.breaker.caseflow} in CaseFlow) over the limit of ${r.breaker.limit}; to let them go: caseflow-outlook sync --staff ${staffEmail} --allow-deletes` });
  }
  for (const s of r.skipped) rows.push({ what: 'skipped', item: '', title: '', when: '', note: `${s.count}: ${s.text}` });
  if (r.unconfirmedCreates) rows.push({ what: 'looks up first', item: '', title: '', when: '', note: `${r.unconfirmedCreates} create(s) whose answer never came, by their CaseFlow tag` });
  return rows;
}

export async function plan(ctx: Context, opts: { staff: string }): Promise<Output> {
  const db = ctx.db();
  const staff = requireStaff(db, email(opts.staff, '--staff'));
  assertCanSync(ctx, staff);
  const prefs = getPrefs(db, staff.id);
  if (!prefs.enabled) {
    return message(`sync is paused for ${staff.email}: the next scheduled run does nothing for them (resume with: caseflow-outlook prefs set --staff ${staff.email} --enabled on)`, { staff: staff.email, paused: true });
  }
  const host = await runHostFor(ctx, db, staff, ctx.signal);
  const report = await planRun(host, { push: true, policy: runPolicy(ctx, prefs), allowDeletes: getSyncState(db, staff.id).allowDeletes });
  return listing<Row>(
    [
      { header: 'WHAT', value: (r) => r.what },
      { header: 'ITEM', value: (r) => r.item },
      { header: 'TITLE', value: (r) => r.title },
      { header: 'WHEN', value: (r) => r.when },
      { header: 'NOTE', value: (r) => r.note },
    ],
    planRows(report, staff.email),
    report,
    `nothing to do: the next scheduled run for ${staff.email} would change nothing${report.fullRound ? ' (it reads the whole window)' : ''}`,
  );
}
