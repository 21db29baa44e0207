// `matters add/list/assign/unassign`. Who is assigned decides whose Outlook a matter's deadlines
// go to: the next scheduled run adds them for a staff member assigned, removes them for one
// unassigned.

import { UsageError } from '../../errors.js';
import { addMatter, assignStaff, getMatter, listMatters, requireMatter, unassignStaff, type Matter } from '../../store/matters.js';
import { inTransaction, type Db } from '../../store/open.js';
import { requireStaff, type Staff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { auditCli, email, text } from './common.js';

export async function add(ctx: Context, opts: { name: string; assign?: string }): Promise<Output> {
  const name = text(opts.name, '--name', { required: true, max: 300 });
  const emails = (opts.assign ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => email(e, '--assign'));
  const db = ctx.db();
  const matter = inTransaction(db, () => {
    const staff = emails.map((e) => requireStaff(db, e, '--assign'));
    const id = addMatter(db, name, staff.map((s) => s.id), ctx.now().toISOString());
    auditCli(ctx, { staffId: null, staffEmail: null, direction: 'none', action: 'matter.add', kind: 'matter', summary: `matter ${id} added` });
    return getMatter(db, id)!;
  });
  return record([['id', String(matter.id)], ['name', matter.name], ['assigned', matter.assigned.join(', ') || '(nobody)']], matter);
}

export async function list(ctx: Context): Promise<Output> {
  return listing<Matter>(
    [
      { header: 'ID', value: (m) => String(m.id) },
      { header: 'NAME', value: (m) => m.name },
      { header: 'ASSIGNED', value: (m) => m.assigned.join(', ') },
    ],
    listMatters(ctx.db()),
    undefined,
    'no matters yet',
  );
}

function staffArg(db: Db, raw: string): Staff {
  let address: string;
  try {
    address = email(raw, 'STAFF_EMAIL');
  } catch {
    throw new UsageError(`STAFF_EMAIL "${raw}" is not an email address (expected name@firm.example)`, { hint: 'list staff with: caseflow-outlook staff list' });
  }
  return requireStaff(db, address, 'STAFF_EMAIL');
}

const shown = (m: Matter): [string, string][] => [
  ['id', String(m.id)],
  ['name', m.name],
  ['assigned', m.assigned.join(', ') || '(nobody)'],
];

/** Assigns a staff member to a matter; already assigned: nothing to do (exit 0). */
export async function assign(ctx: Context, rawId: string, rawEmail: string): Promise<Output> {
  const db = ctx.db();
  const { matter, staff, changed } = inTransaction(db, () => {
    const matterId = requireMatter(db, rawId, 'MATTER_ID');
    const staff = staffArg(db, rawEmail);
    const changed = assignStaff(db, matterId, staff.id);
    if (changed) {
      auditCli(ctx, { staffId: staff.id, staffEmail: staff.email, direction: 'none', action: 'matter.assign', kind: 'matter', summary: `${staff.email} assigned to matter ${matterId}` });
    }
    return { matter: getMatter(db, matterId)!, staff, changed };
  });
  const note = changed ? `its deadlines go to ${staff.email}'s Outlook on the next scheduled run` : `${staff.email} was already assigned; nothing changed`;
  return record(shown(matter), { ...matter, staff: staff.email, changed }, [note]);
}

/** Unassigns a staff member; not assigned: nothing to do (exit 0). */
export async function unassign(ctx: Context, rawId: string, rawEmail: string): Promise<Output> {
  const db = ctx.db();
  const { matter, staff, changed } = inTransaction(db, () => {
    const matterId = requireMatter(db, rawId, 'MATTER_ID');
    const staff = staffArg(db, rawEmail);
    const changed = unassignStaff(db, matterId, staff.id);
    if (changed) {
      auditCli(ctx, { staffId: staff.id, staffEmail: staff.email, direction: 'none', action: 'matter.unassign', kind: 'matter', summary: `${staff.email} unassigned from matter ${matterId}` });
    }
    return { matter: getMatter(db, matterId)!, staff, changed };
  });
  const note = changed ? `its deadlines leave ${staff.email}'s Outlook on the next scheduled run` : `${staff.email} was not assigned; nothing changed`;
  return record(shown(matter), { ...matter, staff: staff.email, changed }, [note]);
}
