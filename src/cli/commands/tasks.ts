// `tasks add/update/complete/reopen/delete/list`: tasks with a due date, one-way to Outlook. Every
// change is one transaction with its audit row, checked whole before anything is written; the
// next scheduled run takes it to Outlook (a reassigned task leaves the old assignee's Outlook and
// goes to the new one's; a completed or deleted one is removed there).

import { NotFoundError, UsageError } from '../../errors.js';
import { completeTask, deleteTask, getTask, insertTask, listTasks, reopenTask, updateTask, type TaskChanges, type TaskJson } from '../../store/due-items.js';
import { requireMatter } from '../../store/matters.js';
import { inTransaction } from '../../store/open.js';
import type { Db } from '../../store/open.js';
import { requireStaff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { listing, record, type Output } from '../output.js';
import { auditCli, email, id as parseId, text, yesNo } from './common.js';
import { dueChange } from './due-change.js';
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

function requireTask(db: Db, rawId: string): TaskJson {
  const task = getTask(db, parseId(rawId, 'TASK_ID'));
  if (!task) throw new NotFoundError(`task ${rawId} does not exist`, { hint: 'list tasks with: caseflow-outlook tasks list' });
  return task;
}

const shown = (t: TaskJson): [string, string][] => [
  ['id', String(t.id)],
  ['staff', t.staff],
  ['title', t.title],
  ['due', dueText(t)],
  ['matter', t.matterId === null ? '' : String(t.matterId)],
  ['completed', t.completedAt ?? 'no'],
];

export interface TaskUpdateFlags {
  title?: string;
  due?: string;
  timeZone?: string;
  staff?: string;
  /** A matter id, or false for --no-matter. */
  matter?: string | false;
  description?: string;
  /** Both --matter and --no-matter were typed (commander keeps only the last). */
  matterAndNoMatter?: boolean;
}

const UPDATE_FLAGS = '--title, --due, --time-zone, --staff, --matter, --no-matter, --description';

/** Changes only the flags given. `--staff` reassigns the task; `--no-matter` unlinks its matter. */
export async function update(ctx: Context, rawId: string, flags: TaskUpdateFlags): Promise<Output> {
  const id = parseId(rawId, 'TASK_ID');
  if (flags.matterAndNoMatter) {
    throw new UsageError('--matter and --no-matter cannot be given together: --matter links the task to a matter, --no-matter unlinks it', {
      hint: `give one, e.g. caseflow-outlook tasks update ${id} --no-matter`,
    });
  }
  const title = flags.title !== undefined ? text(flags.title, '--title', { required: true, max: 255 }) : undefined;
  const description = flags.description !== undefined ? text(flags.description, '--description', { max: 20_000 }) : undefined;
  const staffEmail = flags.staff !== undefined ? email(flags.staff, '--staff') : undefined;
  if ([title, description, staffEmail, flags.due, flags.timeZone, flags.matter].every((v) => v === undefined)) {
    throw new UsageError(`nothing to change: give at least one of ${UPDATE_FLAGS}`, { hint: `e.g. caseflow-outlook tasks update ${id} --due 2026-12-05; see: caseflow-outlook tasks update --help` });
  }
  const db = ctx.db();
  const task = inTransaction(db, () => {
    const current = requireTask(db, rawId);
    const changes: TaskChanges = {};
    const said: string[] = [];
    if (title !== undefined) (changes.title = title), said.push('title');
    if (description !== undefined) (changes.description = description), said.push('description');
    const newDue = dueChange(db, current, flags);
    if (newDue !== undefined) (changes.due = newDue), said.push(flags.due !== undefined ? 'due' : 'time zone');
    if (flags.matter !== undefined) {
      changes.matterId = flags.matter === false ? null : requireMatter(db, flags.matter);
      said.push(changes.matterId === null ? 'matter unlinked' : `matter ${changes.matterId}`);
    }
    if (staffEmail !== undefined) {
      const staff = requireStaff(db, staffEmail);
      if (staff.email !== current.staff) (changes.staffId = staff.id), said.push(`reassigned from ${current.staff} to ${staff.email}`);
    }
    updateTask(db, current.id, changes, ctx.now().toISOString());
    const updated = getTask(db, current.id)!;
    const staff = requireStaff(db, updated.staff);
    auditCli(ctx, { staffId: staff.id, staffEmail: staff.email, direction: 'caseflow', action: 'update', kind: 'task', eventId: current.id, outlookId: current.outlookId, summary: `task updated: ${updated.title} (${said.join('; ') || 'no change'})` });
    return updated;
  });
  return record(shown(task), task);
}

export async function complete(ctx: Context, rawId: string): Promise<Output> {
  const db = ctx.db();
  const task = inTransaction(db, () => {
    const current = requireTask(db, rawId);
    if (!current.completed) {
      completeTask(db, current.id, ctx.now().toISOString());
      auditCli(ctx, { staffId: null, staffEmail: current.staff, direction: 'caseflow', action: 'complete', kind: 'task', eventId: current.id, summary: `task completed: ${current.title}` });
    }
    return getTask(db, current.id)!;
  });
  return record([['id', String(task.id)], ['title', task.title], ['completed', task.completedAt ?? '']], task);
}

/** A completed task open again: it goes back to Outlook on the next scheduled run. Open already: nothing to do. */
export async function reopen(ctx: Context, rawId: string): Promise<Output> {
  const db = ctx.db();
  const task = inTransaction(db, () => {
    const current = requireTask(db, rawId);
    if (current.completed) {
      reopenTask(db, current.id, ctx.now().toISOString());
      auditCli(ctx, { staffId: null, staffEmail: current.staff, direction: 'caseflow', action: 'reopen', kind: 'task', eventId: current.id, summary: `task reopened: ${current.title}` });
    }
    return getTask(db, current.id)!;
  });
  return record([['id', String(task.id)], ['title', task.title], ['completed', 'no']], task);
}

/** `tasks delete` (`delete` is a reserved word): its Outlook copy goes on the next scheduled run. */
export async function remove(ctx: Context, rawId: string): Promise<Output> {
  const db = ctx.db();
  const task = inTransaction(db, () => {
    const current = requireTask(db, rawId);
    deleteTask(db, current.id);
    auditCli(ctx, { staffId: null, staffEmail: current.staff, direction: 'caseflow', action: 'delete', kind: 'task', eventId: current.id, outlookId: current.outlookId, summary: `task deleted: ${current.title}` });
    return current;
  });
  return record([['deleted', String(task.id)], ['title', task.title]], { deleted: true, id: task.id });
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
