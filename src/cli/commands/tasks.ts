// `tasks add/complete/list`: tasks with a due date, one-way to Outlook.

import { NotFoundError } from '../../errors.js';
import { completeTask, getTask, insertTask, listTasks, type TaskJson } from '../../store/due-items.js';
import { requireMatter } from '../../store/matters.js';
import { inTransaction } from '../../store/open.js';
import { requireStaff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { auditCli, email, id as parseId, text, yesNo } from './common.js';
import { due, dueText } from './due-input.js';

export async function add(ctx: Context, opts: { staff: string; title: string; due: string; matter?: string; description?: string; timeZone?: string }): Promise<Output> {
  const title = text(opts.title, '--title', { required: true, max: 255 });
  const description = text(opts.description, '--description', { max: 20_000 });
  const db = ctx.db();
  const task = inTransaction(db, () => {
    const staff = requireStaff(db, email(opts.staff, '--staff'));
    const matterId = opts.matter !== undefined ? requireMatter(db, opts.matter) : null;
    const id = insertTask(db, { staffId: staff.id, title, description, matterId, due: due(db, opts.due, opts.timeZone) }, ctx.now().toISOString());
    auditCli(ctx, { staffId: staff.id, staffEmail: staff.email, direction: 'caseflow', action: 'create', kind: 'task', eventId: id, summary: `task created: ${title}` });
    return getTask(db, id)!;
  });
  return record([['id', String(task.id)], ['staff', task.staff], ['title', task.title], ['due', dueText(task)]], task);
}

export async function complete(ctx: Context, rawId: string): Promise<Output> {
  const db = ctx.db();
  const task = inTransaction(db, () => {
    const current = getTask(db, parseId(rawId, 'TASK_ID'));
    if (!current) throw new NotFoundError(`task ${rawId} does not exist`, { hint: 'list tasks with: caseflow-outlook tasks list' });
    if (!current.completed) {
      completeTask(db, current.id, ctx.now().toISOString());
      auditCli(ctx, { staffId: null, staffEmail: current.staff, direction: 'caseflow', action: 'complete', kind: 'task', eventId: current.id, summary: `task completed: ${current.title}` });
    }
    return getTask(db, current.id)!;
  });
  return record([['id', String(task.id)], ['title', task.title], ['completed', task.completedAt ?? '']], task);
}

export async function list(ctx: Context, opts: { staff?: string }): Promise<Output> {
  const db = ctx.db();
  const staffId = opts.staff !== undefined ? requireStaff(db, email(opts.staff, '--staff')).id : undefined;
  return listing<TaskJson>(
    [
      { header: 'ID', value: (t) => String(t.id) },
      { header: 'STAFF', value: (t) => t.staff },
      { header: 'DUE', value: dueText },
      { header: 'TITLE', value: (t) => t.title },
      { header: 'MATTER', value: (t) => (t.matterId === null ? '' : String(t.matterId)) },
      { header: 'DONE', value: (t) => yesNo(t.completed), tone: (t) => (t.completed ? 'dim' : undefined) },
    ],
    listTasks(db, staffId),
    undefined,
    'no tasks',
  );
}
