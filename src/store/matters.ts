// Matters and the staff assigned to them.

import { NotFoundError } from '../errors.js';
import type { Db } from './open.js';

export interface Matter {
  id: number;
  name: string;
  assigned: string[];
  createdAt: string;
}

export function addMatter(db: Db, name: string, staffIds: number[], now: string): number {
  const id = Number(db.prepare('INSERT INTO matters (name, created_at) VALUES (?, ?)').run(name, now).lastInsertRowid);
  const assign = db.prepare('INSERT INTO matter_staff (matter_id, staff_id) VALUES (?, ?)');
  for (const staffId of new Set(staffIds)) assign.run(id, staffId);
  return id;
}

export function listMatters(db: Db): Matter[] {
  const rows = db.prepare('SELECT id, name, created_at FROM matters ORDER BY id').all() as { id: number; name: string; created_at: string }[];
  const assigned = db
    .prepare('SELECT ms.matter_id, s.email FROM matter_staff ms JOIN staff s ON s.id = ms.staff_id ORDER BY s.email')
    .all() as { matter_id: number; email: string }[];
  const by = new Map<number, string[]>();
  for (const a of assigned) by.set(a.matter_id, [...(by.get(a.matter_id) ?? []), a.email]);
  return rows.map((r) => ({ id: r.id, name: r.name, assigned: by.get(r.id) ?? [], createdAt: r.created_at }));
}

export function getMatter(db: Db, id: number): Matter | null {
  return listMatters(db).find((m) => m.id === id) ?? null;
}

export function requireMatter(db: Db, raw: string, flag = '--matter'): number {
  const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
  const row = Number.isSafeInteger(id) ? db.prepare('SELECT id FROM matters WHERE id = ?').get(id) : undefined;
  if (row) return id;
  const known = (db.prepare('SELECT id, name FROM matters ORDER BY id LIMIT 20').all() as { id: number; name: string }[]).map(
    (m) => `${m.id} (${m.name})`,
  );
  throw new NotFoundError(`${flag} "${raw}" is not a matter id; known matters: ${known.length ? known.join(', ') : '(none yet)'}`, {
    hint: 'list them with: caseflow-outlook matters list',
  });
}

/** Assigns a staff member: the matter's deadlines go to their Outlook on the next run. False when already assigned. */
export function assignStaff(db: Db, matterId: number, staffId: number): boolean {
  return db.prepare('INSERT INTO matter_staff (matter_id, staff_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(matterId, staffId).changes > 0;
}

/** Unassigns: the matter's deadlines leave their Outlook on the next run. False when not assigned. */
export function unassignStaff(db: Db, matterId: number, staffId: number): boolean {
  return db.prepare('DELETE FROM matter_staff WHERE matter_id = ? AND staff_id = ?').run(matterId, staffId).changes > 0;
}
