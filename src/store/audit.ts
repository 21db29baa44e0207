// The audit log: every change the tool makes on either side, and every connect, disconnect,
// prefs change, import, conflict and resolution. Summaries never carry an event description:
// they are shown in tables and may be copied into tickets. The losing side of a conflict goes
// into `detail`, kept locally.

import type { Db } from './open.js';

export type Trigger = 'scheduled' | 'manual' | 'import' | 'resolve' | 'cli';
export type Direction = 'caseflow' | 'outlook' | 'none';

export interface AuditInput {
  staffId: number | null;
  staffEmail: string | null;
  trigger: Trigger;
  /** Which side was changed: `caseflow` (pulled into the store), `outlook` (pushed), `none`. */
  direction: Direction;
  action: string;
  kind: string;
  eventId?: number | null;
  outlookId?: string | null;
  summary: string;
  detail?: unknown;
  /** The sync run that wrote it (null for changes made by a command). */
  runId?: string | null;
}

export interface AuditJson {
  id: number;
  at: string;
  staff: string | null;
  trigger: Trigger;
  direction: Direction;
  action: string;
  kind: string;
  eventId: number | null;
  outlookId: string | null;
  summary: string;
  /**
   * For a change made on both sides: both versions, field by field (`caseflow` is the version
   * CaseFlow had, `outlook` the one Outlook had). Null for every other row.
   */
  versions: { caseflow: unknown; outlook: unknown } | null;
  /** The sync run that wrote it: `restore --run RUN_ID` undoes that run's deletions. */
  runId: string | null;
}

/** Rows written before both versions were kept hold only the CaseFlow version that lost. */
function versionsOf(detail: string | null): AuditJson['versions'] {
  if (!detail) return null;
  try {
    const d = JSON.parse(detail) as { versions?: { caseflow?: unknown; outlook?: unknown }; lostCaseflowVersion?: unknown };
    if (d.versions) return { caseflow: d.versions.caseflow ?? null, outlook: d.versions.outlook ?? null };
    if (d.lostCaseflowVersion) return { caseflow: d.lostCaseflowVersion, outlook: null };
  } catch {
    return null;
  }
  return null;
}

export function recordAudit(db: Db, row: AuditInput, now: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO audit (at, staff_id, staff_email, trigger, direction, action, kind, event_id, outlook_id, summary, detail, run_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        now,
        row.staffId,
        row.staffEmail,
        row.trigger,
        row.direction,
        row.action,
        row.kind,
        row.eventId ?? null,
        row.outlookId ?? null,
        row.summary,
        row.detail === undefined ? null : JSON.stringify(row.detail),
        row.runId ?? null,
      ).lastInsertRowid,
  );
}

export interface AuditFilter {
  staffId?: number | undefined;
  eventId?: number | undefined;
  /** With `eventId`: which kind of item it is (default `event`: its conflicts count too). */
  kind?: 'event' | 'task' | 'deadline' | undefined;
  action?: string | undefined;
  limit: number;
}

export function listAudit(db: Db, filter: AuditFilter): AuditJson[] {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: filter.limit };
  if (filter.staffId !== undefined) {
    where.push('staff_id = @staffId');
    params.staffId = filter.staffId;
  }
  if (filter.eventId !== undefined) {
    where.push(filter.kind === undefined || filter.kind === 'event' ? "event_id = @eventId AND kind IN ('event', 'conflict')" : 'event_id = @eventId AND kind = @kind');
    params.eventId = filter.eventId;
    if (filter.kind) params.kind = filter.kind;
  }
  if (filter.action !== undefined) {
    where.push('action = @action');
    params.action = filter.action;
  }
  const rows = db
    .prepare(`SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`)
    .all(params) as {
    id: number;
    at: string;
    staff_email: string | null;
    trigger: Trigger;
    direction: Direction;
    action: string;
    kind: string;
    event_id: number | null;
    outlook_id: string | null;
    summary: string;
    detail: string | null;
    run_id: string | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    staff: r.staff_email,
    trigger: r.trigger,
    direction: r.direction,
    action: r.action,
    kind: r.kind,
    eventId: r.event_id,
    outlookId: r.outlook_id,
    summary: r.summary,
    versions: versionsOf(r.detail),
    runId: r.run_id,
  }));
}
