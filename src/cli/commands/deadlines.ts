// `deadlines add/update/delete/list`: key deadlines on matters, one-way to Outlook and always
// confidential. Every change is one transaction with its audit row; the next scheduled run takes
// it to the Outlook of each staff member assigned to the matter.

import { NotFoundError, UsageError } from '../../errors.js';
import { deleteDeadline, getDeadline, insertDeadline, listDeadlines, updateDeadline, type DeadlineChanges, type DeadlineJson } from '../../store/due-items.js';
import { requireMatter } from '../../store/matters.js';
import { inTransaction, type Db } from '../../store/open.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { auditCli, id as parseId, text } from './common.js';
import { dueChange } from './due-change.js';
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

const LIST_HINT = 'list deadlines with: caseflow-outlook deadlines list';

function requireDeadline(db: Db, rawId: string): DeadlineJson {
  let id: number;
  try {
    id = parseId(rawId, 'DEADLINE_ID');
  } catch (error) {
    throw new UsageError((error as Error).message, { hint: LIST_HINT });
  }
  const deadline = getDeadline(db, id);
  if (!deadline) throw new NotFoundError(`deadline ${rawId} does not exist`, { hint: LIST_HINT });
  return deadline;
}

const shown = (d: DeadlineJson): [string, string][] => [
  ['id', String(d.id)],
  ['matter', `${d.matterId} (${d.matter})`],
  ['title', d.title],
  ['due', dueText(d)],
];

/** Changes only the flags given. */
export async function update(ctx: Context, rawId: string, flags: { title?: string; due?: string; timeZone?: string; description?: string }): Promise<Output> {
  const title = flags.title !== undefined ? text(flags.title, '--title', { required: true, max: 255 }) : undefined;
  const description = flags.description !== undefined ? text(flags.description, '--description', { max: 20_000 }) : undefined;
  if ([title, description, flags.due, flags.timeZone].every((v) => v === undefined)) {
    throw new UsageError('nothing to change: give at least one of --title, --due, --time-zone, --description', {
      hint: `e.g. caseflow-outlook deadlines update ${rawId} --due 2027-01-20; see: caseflow-outlook deadlines update --help`,
    });
  }
  const db = ctx.db();
  const deadline = inTransaction(db, () => {
    const current = requireDeadline(db, rawId);
    const changes: DeadlineChanges = {};
    const said: string[] = [];
    if (title !== undefined) (changes.title = title), said.push('title');
    if (description !== undefined) (changes.description = description), said.push('description');
    const newDue = dueChange(db, current, flags);
    if (newDue !== undefined) (changes.due = newDue), said.push(flags.due !== undefined ? 'due' : 'time zone');
    updateDeadline(db, current.id, changes, ctx.now().toISOString());
    const updated = getDeadline(db, current.id)!;
    auditCli(ctx, { staffId: null, staffEmail: null, direction: 'caseflow', action: 'update', kind: 'deadline', eventId: current.id, summary: `deadline updated on matter ${current.matterId}: ${updated.title} (${said.join('; ')})` });
    return updated;
  });
  return record(shown(deadline), deadline);
}

/** `deadlines delete` (`delete` is a reserved word): its Outlook copies go on the next scheduled run. */
export async function remove(ctx: Context, rawId: string): Promise<Output> {
  const db = ctx.db();
  const deadline = inTransaction(db, () => {
    const current = requireDeadline(db, rawId);
    deleteDeadline(db, current.id);
    auditCli(ctx, { staffId: null, staffEmail: null, direction: 'caseflow', action: 'delete', kind: 'deadline', eventId: current.id, summary: `deadline deleted on matter ${current.matterId}: ${current.title}` });
    return current;
  });
  return record([['deleted', String(deadline.id)], ['title', deadline.title]], { deleted: true, id: deadline.id });
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
