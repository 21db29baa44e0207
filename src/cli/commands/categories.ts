// `categories list/add/protect/unprotect`: the protected list is editable (SPEC §7).

import { UsageError } from '../../errors.js';
import { addCategory, findCategory, listCategories, requireCategory, setProtected, type Category } from '../../store/categories.js';
import { inTransaction } from '../../store/open.js';
import type { Context } from '../context.js';
import { list, record, type Output } from '../output.js';
import { auditCli, text, yesNo } from './common.js';

const show = (c: Category): Output => record([['name', c.name], ['protected', yesNo(c.protected), c.protected ? 'warn' : undefined]], c);

export async function listCommand(ctx: Context): Promise<Output> {
  return list<Category>(
    [
      { header: 'NAME', value: (c) => c.name },
      { header: 'PROTECTED', value: (c) => yesNo(c.protected), tone: (c) => (c.protected ? 'warn' : undefined) },
    ],
    listCategories(ctx.db()),
  );
}

export async function add(ctx: Context, name: string, opts: { protected?: boolean }): Promise<Output> {
  const clean = text(name, 'NAME', { required: true, max: 100 });
  const db = ctx.db();
  const category = inTransaction(db, () => {
    const existing = findCategory(db, clean);
    if (existing) throw new UsageError(`category "${existing.name}" already exists`, { hint: `change it with: caseflow-outlook categories ${existing.protected ? 'unprotect' : 'protect'} "${existing.name}"` });
    const created = addCategory(db, clean, Boolean(opts.protected), ctx.now().toISOString());
    auditCli(ctx, { staffId: null, staffEmail: null, direction: 'none', action: 'category.add', kind: 'category', summary: `category added: ${clean}${opts.protected ? ' (protected)' : ''}` });
    return created;
  });
  return show(category);
}

export async function protect(ctx: Context, name: string, value: boolean): Promise<Output> {
  const db = ctx.db();
  const category = inTransaction(db, () => {
    const found = requireCategory(db, name, 'NAME');
    if (found.protected !== value) {
      setProtected(db, found.id, value);
      auditCli(ctx, { staffId: null, staffEmail: null, direction: 'none', action: value ? 'category.protect' : 'category.unprotect', kind: 'category', summary: `category ${found.name} ${value ? 'protected' : 'unprotected'}` });
    }
    return { ...found, protected: value };
  });
  return show(category);
}
