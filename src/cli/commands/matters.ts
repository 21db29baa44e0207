// `matters add` / `matters list`.

import { addMatter, getMatter, listMatters, type Matter } from '../../store/matters.js';
import { inTransaction } from '../../store/open.js';
import { requireStaff } from '../../store/staff.js';
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
