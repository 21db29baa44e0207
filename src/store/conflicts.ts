// Conflicts recorded for human review, in the JSON shape `conflicts list/show --json` prints
// (stable: fields may be added, never renamed).

import type { SyncContent } from '../sync/model.js';
import type { Db } from './open.js';

export interface ConflictJson {
  id: number;
  staff: string;
  eventId: number;
  outlookId: string | null;
  linkId: number | null;
  /** The Outlook version (changeKey) the conflict was recorded against. */
  changeKey: string | null;
  detectedAt: string;
  status: 'open' | 'resolved' | 'superseded';
  caseflow: SyncContent;
  outlook: SyncContent;
  resolution: 'caseflow' | 'outlook' | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  /** Set when Outlook changed again before a resolution reached it: the conflict that replaced this one. */
  supersededBy: number | null;
}

interface Row {
  id: number;
  email: string;
  event_id: number;
  outlook_id: string | null;
  link_id: number | null;
  change_key: string | null;
  detected_at: string;
  status: 'open' | 'resolved' | 'superseded';
  caseflow: string;
  outlook: string;
  resolution: 'caseflow' | 'outlook' | null;
  resolved_at: string | null;
  resolved_by: string | null;
  superseded_by: number | null;
}

const toJson = (r: Row): ConflictJson => ({
  id: r.id,
  staff: r.email,
  eventId: r.event_id,
  outlookId: r.outlook_id,
  linkId: r.link_id,
  changeKey: r.change_key,
  detectedAt: r.detected_at,
  status: r.status,
  caseflow: JSON.parse(r.caseflow) as SyncContent,
  outlook: JSON.parse(r.outlook) as SyncContent,
  resolution: r.resolution,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
  supersededBy: r.superseded_by,
});

const SELECT = 'SELECT c.*, s.email FROM conflicts c JOIN staff s ON s.id = c.staff_id';

export function listConflicts(db: Db, staffId?: number): ConflictJson[] {
  const rows = (staffId === undefined ? db.prepare(`${SELECT} ORDER BY c.id`).all() : db.prepare(`${SELECT} WHERE c.staff_id = ? ORDER BY c.id`).all(staffId)) as Row[];
  return rows.map(toJson);
}

export function getConflict(db: Db, id: number): ConflictJson | null {
  const r = db.prepare(`${SELECT} WHERE c.id = ?`).get(id) as Row | undefined;
  return r ? toJson(r) : null;
}

export function markResolved(db: Db, id: number, keep: 'caseflow' | 'outlook', by: string, at: string): void {
  db.prepare("UPDATE conflicts SET status = 'resolved', resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ?").run(keep, by, at, id);
}

export function markSuperseded(db: Db, id: number, by: number, at: string): void {
  db.prepare("UPDATE conflicts SET status = 'superseded', superseded_by = ?, resolved_at = ? WHERE id = ?").run(by, at, id);
}
