// Staff members of the firm.

import { NotFoundError } from '../errors.js';
import type { Db } from './open.js';

export interface Staff {
  id: number;
  email: string;
  name: string;
  createdAt: string;
}

interface Row {
  id: number;
  email: string;
  name: string;
  created_at: string;
}
const toStaff = (r: Row): Staff => ({ id: r.id, email: r.email, name: r.name, createdAt: r.created_at });

export function addStaff(db: Db, email: string, name: string, now: string): Staff {
  const info = db.prepare('INSERT INTO staff (email, name, created_at) VALUES (?, ?, ?)').run(email, name, now);
  return { id: Number(info.lastInsertRowid), email, name, createdAt: now };
}

export function listStaff(db: Db): Staff[] {
  return (db.prepare('SELECT * FROM staff ORDER BY email').all() as Row[]).map(toStaff);
}

export function findStaff(db: Db, email: string): Staff | null {
  const row = db.prepare('SELECT * FROM staff WHERE email = ?').get(email) as Row | undefined;
  return row ? toStaff(row) : null;
}

/** The staff member named by `--staff`, or exit 2 listing who exists. */
export function requireStaff(db: Db, email: string, flag = '--staff'): Staff {
  const staff = findStaff(db, email);
  if (staff) return staff;
  const known = listStaff(db).map((s) => s.email);
  throw new NotFoundError(
    `${flag} "${email}" is not a staff member; known staff: ${known.length ? known.join(', ') : '(none yet)'}`,
    { hint: 'add them with: caseflow-outlook staff add --email E --name N' },
  );
}
