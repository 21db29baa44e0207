// The four sync toggles per staff member (enabled, events, tasks, deadlines). No row means the
// defaults: all on.

import type { Db } from './open.js';

export interface Prefs {
  enabled: boolean;
  events: boolean;
  tasks: boolean;
  deadlines: boolean;
}
export const PREF_KEYS = ['enabled', 'events', 'tasks', 'deadlines'] as const;

export function getPrefs(db: Db, staffId: number): Prefs {
  const r = db.prepare('SELECT enabled, events, tasks, deadlines FROM prefs WHERE staff_id = ?').get(staffId) as Record<keyof Prefs, number> | undefined;
  if (!r) return { enabled: true, events: true, tasks: true, deadlines: true };
  return { enabled: r.enabled === 1, events: r.events === 1, tasks: r.tasks === 1, deadlines: r.deadlines === 1 };
}

export function setPrefs(db: Db, staffId: number, prefs: Prefs, now: string): void {
  db.prepare(
    `INSERT INTO prefs (staff_id, enabled, events, tasks, deadlines, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (staff_id) DO UPDATE SET enabled = excluded.enabled, events = excluded.events, tasks = excluded.tasks,
       deadlines = excluded.deadlines, updated_at = excluded.updated_at`,
  ).run(staffId, +prefs.enabled, +prefs.events, +prefs.tasks, +prefs.deadlines, now);
}
