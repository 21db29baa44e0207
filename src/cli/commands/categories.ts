// `categories list/add/protect/unprotect`: the protected list (confidential events) is editable.

import { UsageError } from '../../errors.js';
import { addCategory, findCategory, listCategories, requireCategory, setProtected, type Category } from '../../store/categories.js';
import { inTransaction } from '../../store/open.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { auditCli, text, yesNo } from './common.js';

const categoryRecord = (c: Category): Output => record([['name', c.name], ['protected', yesNo(c.protected), c.protected ? 'warn' : undefined]], c);

export async function list(ctx: Context): Promise<Output> {
  return listing<Category>(
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
  return categoryRecord(category);
}

export async function protect(ctx: Context, name: string): Promise<Output> {
  return protection(ctx, name, true);
}

export async function unprotect(ctx: Context, name: string): Promise<Output> {
  return protection(ctx, name, false);
}

function protection(ctx: Context, name: string, value: boolean): Output {
  const db = ctx.db();
  const category = inTransaction(db, () => {
    const found = requireCategory(db, name, 'NAME');
    if (found.protected !== value) {
      setProtected(db, found.id, value);
      auditCli(ctx, { staffId: null, staffEmail: null, direction: 'none', action: value ? 'category.protect' : 'category.unprotect', kind: 'category', summary: `category ${found.name} ${value ? 'protected' : 'unprotected'}` });
    }
    return { ...found, protected: value };
  });
  return categoryRecord(category);
}
