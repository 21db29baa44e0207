// `staff add` / `staff list`.

import { UsageError } from '../../errors.js';
import { inTransaction } from '../../store/open.js';
import { addStaff, findStaff, listStaff, type Staff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { auditCli, email, text } from './common.js';

export async function add(ctx: Context, opts: { email: string; name: string }): Promise<Output> {
  const address = email(opts.email, '--email');
  const name = text(opts.name, '--name', { required: true, max: 200 });
  const db = ctx.db();
  const staff = inTransaction(db, () => {
    if (findStaff(db, address)) throw new UsageError(`--email "${address}" is already a staff member`, { hint: 'see them with: caseflow-outlook staff list' });
    const created = addStaff(db, address, name, ctx.now().toISOString());
    auditCli(ctx, { staffId: created.id, staffEmail: address, direction: 'none', action: 'staff.add', kind: 'staff', summary: `staff member added: ${name}` });
    return created;
  });
  return record([['id', String(staff.id)], ['email', staff.email], ['name', staff.name]], staff);
}

export async function list(ctx: Context): Promise<Output> {
  return listing<Staff>(
    [
      { header: 'ID', value: (s) => String(s.id) },
      { header: 'EMAIL', value: (s) => s.email },
      { header: 'NAME', value: (s) => s.name },
    ],
    listStaff(ctx.db()),
    undefined,
    'no staff members yet: add one with caseflow-outlook staff add --email E --name N',
  );
}
