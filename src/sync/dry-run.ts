// `plan`: what the next scheduled run would do on each side, writing nothing anywhere: Outlook is
// only read (the delta round, removals confirmed, our own creates recognised), the delta link is
// not saved, the store is not touched. The run and this share readAndPlan, so they cannot differ.

import type { Action, Breaker, ItemKind, SkipReason, SyncContent } from './model.js';
import { SKIP_REASON_TEXT } from './planner.js';
import { readAndPlan, type RunHost, type RunOptions } from './run.js';

export interface PlannedItem {
  kind: ItemKind;
  localId: number | null;
  outlookId: string | null;
  title: string;
  /** Timed: the UTC instants; all-day: the dates (last day inclusive). */
  start: string | null;
  end: string | null;
}

export interface PlannedInvitation {
  title: string;
  /** Outlook sends these when the write is made. */
  sends: 'invitation' | 'update' | 'cancellation';
  to: string[];
}

export interface PlanReport {
  staff: string;
  /** The next run reads the whole window (first run, window moved, a flow switched back on). */
  fullRound: boolean;
  outlook: { create: PlannedItem[]; update: PlannedItem[]; delete: PlannedItem[] };
  caseflow: { create: PlannedItem[]; update: PlannedItem[]; delete: PlannedItem[] };
  /** Changed on both sides in a protected category: recorded for review, neither side written. */
  conflicts: PlannedItem[];
  /** Changed on both sides otherwise: Outlook's version wins (CaseFlow's kept in the audit). */
  outlookWins: PlannedItem[];
  invitations: PlannedInvitation[];
  skipped: { reason: SkipReason; text: string; count: number }[];
  /** Deletions the mass-deletion breaker would hold back. */
  breaker: Breaker | null;
  /** CaseFlow changes that would still wait (pushing off, or held back). */
  pending: number;
  /** Creates whose outcome is unknown (a crash, a lost answer): the run looks them up first. */
  unconfirmedCreates: number;
}

const item = (kind: ItemKind, localId: number | null, outlookId: string | null, c: SyncContent | null): PlannedItem => ({
  kind,
  localId,
  outlookId,
  title: c?.title ?? '',
  start: c?.start ?? null,
  end: c?.end ?? null,
});

function describe(a: Action, r: PlanReport, titles: Map<string, SyncContent>): void {
  switch (a.type) {
    case 'remote.create':
      r.outlook.create.push(item(a.kind, a.localId, null, a.content));
      if (a.payload.attendees.length) r.invitations.push({ title: a.content.title, sends: 'invitation', to: a.payload.attendees.map((x) => x.emailAddress.address) });
      return;
    case 'remote.update':
      r.outlook.update.push(item(a.kind, a.localId, a.outlookId, a.content));
      if (a.payload.attendees.length) r.invitations.push({ title: a.content.title, sends: 'update', to: a.payload.attendees.map((x) => x.emailAddress.address) });
      return;
    case 'remote.delete': {
      const known = titles.get(a.outlookId) ?? null;
      r.outlook.delete.push(item(a.kind, a.localId, a.outlookId, known));
      if (known?.attendees.length) r.invitations.push({ title: known.title, sends: 'cancellation', to: known.attendees.map((x) => x.email) });
      return;
    }
    case 'local.create':
      r.caseflow.create.push(item('event', null, a.event.id, a.content));
      return;
    case 'local.update':
      (a.conflict ? r.outlookWins : r.caseflow.update).push(item('event', a.localId, a.outlookId, a.content));
      return;
    case 'local.delete':
      r.caseflow.delete.push(item('event', a.localId, a.outlookId, titles.get(a.outlookId) ?? null));
      return;
    case 'conflict.record':
      r.conflicts.push(item('event', a.localId, a.outlookId, a.caseflow));
      return;
    default:
      return;
  }
}

/** The next scheduled run, planned and not carried out. Takes no lock and writes nothing. */
export async function planRun(host: RunHost, o: Omit<RunOptions, 'trigger'>): Promise<PlanReport> {
  const prepared = await readAndPlan(host, { ...o, trigger: 'scheduled' }, 'dry');
  const { result, round, links, localByKey } = prepared;
  const report: PlanReport = {
    staff: host.staffEmail,
    fullRound: round.full,
    outlook: { create: [], update: [], delete: [] },
    caseflow: { create: [], update: [], delete: [] },
    conflicts: [],
    outlookWins: [],
    invitations: [],
    skipped: [],
    breaker: result.breaker ?? null,
    pending: result.pendingLocal,
    unconfirmedCreates: links.filter((l) => l.state === 'creating' && l.outlookId === null).length,
  };
  // What an Outlook id stands for: the CaseFlow item it is linked to (its last known content).
  const titles = new Map<string, SyncContent>();
  for (const l of links) {
    const known = localByKey.get(`${l.kind}:${l.localId}`);
    if (l.outlookId && known) titles.set(l.outlookId, known.content);
  }
  for (const change of round.changes) if (change.kind === 'upsert') titles.set(change.event.id, change.event.content);
  for (const a of result.actions) describe(a, report, titles);
  const counts = new Map<SkipReason, number>();
  for (const s of result.skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  report.skipped = [...counts].map(([reason, count]) => ({ reason, text: SKIP_REASON_TEXT[reason], count }));
  return report;
}
