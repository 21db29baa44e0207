// Tasks with due dates and matter deadlines. Both have a due date (all-day) or a due instant.

import { isConfidential } from '../sync/confidentiality.js';
import type { Db } from './open.js';

export interface Due {
  allDay: boolean;
  /** All-day: `YYYY-MM-DD`; timed: UTC instant. */
  value: string;
  timeZone: string;
}

export interface TaskJson {
  id: number;
  staff: string;
  title: string;
  description: string;
  matterId: number | null;
  due: string;
  allDay: boolean;
  timeZone: string;
  completed: boolean;
  completedAt: string | null;
  confidential: boolean;
  outlookId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeadlineJson {
  id: number;
  matterId: number;
  matter: string;
  title: string;
  description: string;
  due: string;
  allDay: boolean;
  timeZone: string;
  confidential: boolean;
  createdAt: string;
  updatedAt: string;
}

const dueCols = (due: Due) => ({
  due_all_day: due.allDay ? 1 : 0,
  due_date: due.allDay ? due.value : null,
  due_utc: due.allDay ? null : due.value,
  time_zone: due.timeZone,
});

export function insertTask(
  db: Db,
  t: { staffId: number; title: string; description: string; matterId: number | null; due: Due },
  now: string,
): number {
  const c = dueCols(t.due);
  return Number(
    db
      .prepare(
        `INSERT INTO tasks (staff_id, title, description, matter_id, due_all_day, due_utc, due_date, time_zone, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(t.staffId, t.title, t.description, t.matterId, c.due_all_day, c.due_utc, c.due_date, c.time_zone, now, now).lastInsertRowid,
  );
}

interface TaskRow {
  id: number;
  email: string;
  title: string;
  description: string;
  matter_id: number | null;
  due_all_day: number;
  due_utc: string | null;
  due_date: string | null;
  time_zone: string;
  completed_at: string | null;
  outlook_id: string | null;
  created_at: string;
  updated_at: string;
}

const TASK_SELECT = `SELECT t.*, s.email,
  (SELECT l.outlook_id FROM links l WHERE l.kind = 'task' AND l.local_id = t.id AND l.outlook_id IS NOT NULL) AS outlook_id
  FROM tasks t JOIN staff s ON s.id = t.staff_id`;

function taskJson(r: TaskRow): TaskJson {
  return {
    id: r.id,
    staff: r.email,
    title: r.title,
    description: r.description,
    matterId: r.matter_id,
    due: (r.due_all_day ? r.due_date : r.due_utc) ?? '',
    allDay: r.due_all_day === 1,
    timeZone: r.time_zone,
    completed: r.completed_at !== null,
    completedAt: r.completed_at,
    confidential: isConfidential({ kind: 'task', matterId: r.matter_id, category: null }, []),
    outlookId: r.outlook_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function getTask(db: Db, id: number): TaskJson | null {
  const r = db.prepare(`${TASK_SELECT} WHERE t.id = ?`).get(id) as TaskRow | undefined;
  return r ? taskJson(r) : null;
}

export function listTasks(db: Db, staffId?: number): TaskJson[] {
  const rows = (staffId === undefined
    ? db.prepare(`${TASK_SELECT} ORDER BY COALESCE(t.due_utc, t.due_date), t.id`).all()
    : db.prepare(`${TASK_SELECT} WHERE t.staff_id = ? ORDER BY COALESCE(t.due_utc, t.due_date), t.id`).all(staffId)) as TaskRow[];
  return rows.map(taskJson);
}

export function completeTask(db: Db, id: number, now: string): void {
  db.prepare('UPDATE tasks SET completed_at = ?, updated_at = ? WHERE id = ?').run(now, now, id);
}

export function insertDeadline(db: Db, d: { matterId: number; title: string; description: string; due: Due }, now: string): number {
  const c = dueCols(d.due);
  return Number(
    db
      .prepare(
        `INSERT INTO deadlines (matter_id, title, description, due_all_day, due_utc, due_date, time_zone, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(d.matterId, d.title, d.description, c.due_all_day, c.due_utc, c.due_date, c.time_zone, now, now).lastInsertRowid,
  );
}

export function listDeadlines(db: Db, matterId?: number): DeadlineJson[] {
  const rows = db
    .prepare(
      `SELECT d.*, m.name AS matter FROM deadlines d JOIN matters m ON m.id = d.matter_id
       ${matterId === undefined ? '' : 'WHERE d.matter_id = @matterId'} ORDER BY COALESCE(d.due_utc, d.due_date), d.id`,
    )
    .all(matterId === undefined ? {} : { matterId }) as (Omit<TaskRow, 'email' | 'completed_at' | 'outlook_id'> & { matter: string; matter_id: number })[];
  return rows.map((r) => ({
    id: r.id,
    matterId: r.matter_id,
    matter: r.matter,
    title: r.title,
    description: r.description,
    due: (r.due_all_day ? r.due_date : r.due_utc) ?? '',
    allDay: r.due_all_day === 1,
    timeZone: r.time_zone,
    confidential: isConfidential({ kind: 'deadline', matterId: r.matter_id, category: null }, []),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

export interface TaskChanges {
  title?: string;
  description?: string;
  matterId?: number | null;
  due?: Due;
  staffId?: number;
}

/** Changes only what is given. A new assignee takes the task to their Outlook on the next runs. */
export function updateTask(db: Db, id: number, c: TaskChanges, now: string): void {
  const sets: string[] = [];
  const params: Record<string, unknown> = { id, now };
  if (c.title !== undefined) (sets.push('title = @title'), (params.title = c.title));
  if (c.description !== undefined) (sets.push('description = @description'), (params.description = c.description));
  if (c.matterId !== undefined) (sets.push('matter_id = @matterId'), (params.matterId = c.matterId));
  if (c.staffId !== undefined) (sets.push('staff_id = @staffId'), (params.staffId = c.staffId));
  if (c.due !== undefined) {
    const d = dueCols(c.due);
    sets.push('due_all_day = @due_all_day', 'due_date = @due_date', 'due_utc = @due_utc', 'time_zone = @time_zone');
    Object.assign(params, d);
  }
  if (sets.length === 0) return;
  db.prepare(`UPDATE tasks SET ${sets.join(', ')}, updated_at = @now WHERE id = @id`).run(params);
}

/** A completed task open again: it goes back to Outlook on the next run. */
export function reopenTask(db: Db, id: number, now: string): void {
  db.prepare('UPDATE tasks SET completed_at = NULL, updated_at = ? WHERE id = ?').run(now, id);
}

export function deleteTask(db: Db, id: number): void {
  db.prepare('DELETE FROM tasks WHERE id = ?').run(id);
}

export interface DeadlineChanges {
  title?: string;
  description?: string;
  due?: Due;
}

export function getDeadline(db: Db, id: number): DeadlineJson | null {
  return listDeadlines(db).find((d) => d.id === id) ?? null;
}

export function updateDeadline(db: Db, id: number, c: DeadlineChanges, now: string): void {
  const sets: string[] = [];
  const params: Record<string, unknown> = { id, now };
  if (c.title !== undefined) (sets.push('title = @title'), (params.title = c.title));
  if (c.description !== undefined) (sets.push('description = @description'), (params.description = c.description));
  if (c.due !== undefined) {
    sets.push('due_all_day = @due_all_day', 'due_date = @due_date', 'due_utc = @due_utc', 'time_zone = @time_zone');
    Object.assign(params, dueCols(c.due));
  }
  if (sets.length === 0) return;
  db.prepare(`UPDATE deadlines SET ${sets.join(', ')}, updated_at = @now WHERE id = @id`).run(params);
}

export function deleteDeadline(db: Db, id: number): void {
  db.prepare('DELETE FROM deadlines WHERE id = ?').run(id);
}
