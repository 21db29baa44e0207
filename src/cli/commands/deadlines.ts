// `deadlines add/list`: key deadlines on matters, one-way to Outlook and always confidential.

import { insertDeadline, listDeadlines, type DeadlineJson } from '../../store/due-items.js';
import { requireMatter } from '../../store/matters.js';
import { inTransaction } from '../../store/open.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { auditCli, text } from './common.js';
import { due, dueText } from './due-input.js';

export async function add(ctx: Context, opts: { matter: string; title: string; due: string; description?: string; timeZone?: string }): Promise<Output> {
  const title = text(opts.title, '--title', { required: true, max: 255 });
  const description = text(opts.description, '--description', { max: 20_000 });
  const db = ctx.db();
  const deadline = inTransaction(db, () => {
    const matterId = requireMatter(db, opts.matter);
    const id = insertDeadline(db, { matterId, title, description, due: due(db, opts.due, opts.timeZone) }, ctx.now().toISOString());
    auditCli(ctx, { staffId: null, staffEmail: null, direction: 'caseflow', action: 'create', kind: 'deadline', eventId: id, summary: `deadline created on matter ${matterId}: ${title}` });
    return listDeadlines(db, matterId).find((d) => d.id === id)!;
  });
  return record([['id', String(deadline.id)], ['matter', `${deadline.matterId} (${deadline.matter})`], ['title', deadline.title], ['due', dueText(deadline)]], deadline);
}

export async function list(ctx: Context, opts: { matter?: string }): Promise<Output> {
  const db = ctx.db();
  const matterId = opts.matter !== undefined ? requireMatter(db, opts.matter) : undefined;
  return listing<DeadlineJson>(
    [
      { header: 'ID', value: (d) => String(d.id) },
      { header: 'MATTER', value: (d) => `${d.matterId} ${d.matter}` },
      { header: 'DUE', value: dueText },
      { header: 'TITLE', value: (d) => d.title },
    ],
    listDeadlines(db, matterId),
    undefined,
    'no deadlines',
  );
}
