// Outlook events that failed validation, per staff member: what was wrong, since when, how many
// rounds in a row. Each sync round reads them again by id (`recheckIds`), then records what is
// still wrong; the rest are gone from the table.

import type { InvalidItem } from '../sync/ports.js';
import type { Db } from './open.js';

export interface InvalidItemRow {
  outlookId: string;
  /** One line naming the field and what was wrong (never a field's value). */
  problem: string;
  firstSeenAt: string;
  lastSeenAt: string;
  /** Rounds in a row that found it invalid. */
  seenCount: number;
}

interface Row {
  outlook_id: string;
  problem: string;
  first_seen_at: string;
  last_seen_at: string;
  seen_count: number;
}

export function listInvalidItems(db: Db, staffId: number): InvalidItemRow[] {
  const rows = db
    .prepare('SELECT outlook_id, problem, first_seen_at, last_seen_at, seen_count FROM invalid_items WHERE staff_id = ? ORDER BY first_seen_at, outlook_id')
    .all(staffId) as Row[];
  return rows.map((r) => ({ outlookId: r.outlook_id, problem: r.problem, firstSeenAt: r.first_seen_at, lastSeenAt: r.last_seen_at, seenCount: r.seen_count }));
}

/** The ids to pass as `recheckIds` to the next round. */
export function invalidItemIds(db: Db, staffId: number): string[] {
  return listInvalidItems(db, staffId).map((r) => r.outlookId);
}

/**
 * After a round that was given every stored id as `recheckIds`: its `invalid` list is now the
 * whole truth. Items still failing keep their first sighting and count one more round; items not
 * in the list read well (or are gone) and are removed. Entries without an id cannot be stored.
 * One transaction.
 */
export function recordInvalidItems(db: Db, staffId: number, invalid: InvalidItem[], now: string): void {
  const latest = new Map<string, string>();
  for (const item of invalid) if (item.id !== null) latest.set(item.id, item.problem);
  const upsert = db.prepare(`
    INSERT INTO invalid_items (staff_id, outlook_id, problem, first_seen_at, last_seen_at, seen_count)
    VALUES (@staffId, @id, @problem, @now, @now, 1)
    ON CONFLICT (staff_id, outlook_id) DO UPDATE SET problem = excluded.problem, last_seen_at = excluded.last_seen_at, seen_count = seen_count + 1`);
  db.transaction(() => {
    const stored = db.prepare('SELECT outlook_id FROM invalid_items WHERE staff_id = ?').all(staffId) as { outlook_id: string }[];
    const remove = db.prepare('DELETE FROM invalid_items WHERE staff_id = ? AND outlook_id = ?');
    for (const r of stored) if (!latest.has(r.outlook_id)) remove.run(staffId, r.outlook_id);
    for (const [id, problem] of latest) upsert.run({ staffId, id, problem, now });
  })();
}

/** Forget them all (disconnect: the next connect starts a fresh round). */
export function clearInvalidItems(db: Db, staffId: number): void {
  db.prepare('DELETE FROM invalid_items WHERE staff_id = ?').run(staffId);
}
