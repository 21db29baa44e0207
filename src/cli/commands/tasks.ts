// `tasks add/complete/list` and `deadlines add/list`: one-way items with a due date (SPEC §5).

import { assertTimeZone, isDateOnly, parseDate, parseDateTime } from '../../dates.js';
import { NotFoundError } from '../../errors.js';
import { completeTask, getTask, insertDeadline, insertTask, listDeadlines, listTasks, type DeadlineJson, type Due, type TaskJson } from '../../store/due-items.js';
import { getFirm } from '../../store/firm.js';
import { requireMatter } from '../../store/matters.js';
import { inTransaction, type Db } from '../../store/open.js';
import { requireStaff } from '../../store/staff.js';
import type { Context } from '../context.js';
import { list, record, type Output } from '../output.js';
import { auditCli, email, id as parseId, localTime, text, yesNo } from './common.js';

function due(db: Db, raw: string, zoneFlag: string | undefined): Due {
  const timeZone = zoneFlag !== undefined ? assertTimeZone(zoneFlag, '--time-zone') : getFirm(db).timeZone;
  if (isDateOnly(raw)) return { allDay: true, value: parseDate(raw, '--due'), timeZone };
  return { allDay: false, value: parseDateTime(raw, timeZone, '--due').utc, timeZone };
}

const dueText = (d: { due: string; allDay: boolean; timeZone: string }) => (d.allDay ? d.due : `${localTime(d.due, d.timeZone)} ${d.timeZone}`);

export async function addTask(ctx: Context, opts: { staff: string; title: string; due: string; matter?: string; description?: string; timeZone?: string }): Promise<Output> {
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

export async function listTaskCommand(ctx: Context, opts: { staff?: string }): Promise<Output> {
  const db = ctx.db();
  const staffId = opts.staff !== undefined ? requireStaff(db, email(opts.staff, '--staff')).id : undefined;
  return list<TaskJson>(
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

export async function addDeadline(ctx: Context, opts: { matter: string; title: string; due: string; description?: string; timeZone?: string }): Promise<Output> {
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

export async function listDeadlineCommand(ctx: Context, opts: { matter?: string }): Promise<Output> {
  const db = ctx.db();
  const matterId = opts.matter !== undefined ? requireMatter(db, opts.matter) : undefined;
  return list<DeadlineJson>(
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
