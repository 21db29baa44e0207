// A person resolves a recorded conflict: the chosen side is applied to the other at once, through
// the same executor and version checks as a scheduled run. Keeping CaseFlow's version sends it
// with If-Match on the Outlook version the conflict was recorded against: if Outlook changed
// again meanwhile (412), nothing is overwritten and a fresh conflict, holding Outlook's newest
// version, replaces this one.

import { ConflictChanged, ConflictGone, ConflictNotApplied, LockHeld } from './errors.js';
import { execute } from './executor.js';
import { fromGraphEvent } from './mapping.js';
import type { Link, LocalItem, Policy } from './model.js';
import { type Draft, pullUpdate, pushUpdate } from './planner-shared.js';
import type { RunHost, RunSummary } from './run.js';

export interface ConflictToResolve {
  id: number;
  linkId: number | null;
  eventId: number;
  outlookId: string | null;
  changeKey: string | null;
}

export interface Resolved {
  summary: RunSummary;
  /** Set when Outlook had changed again: the conflict that now holds both versions. */
  supersededBy?: number;
  /** The Outlook copy was gone: CaseFlow's version is created there again on the next run. */
  recreated?: boolean;
}

const zero = () => ({ created: 0, updated: 0, deleted: 0 });

function draft(host: RunHost, policy: Omit<Policy, 'push' | 'pull' | 'allowDeletes'>): Draft {
  return {
    input: { staff: host.staffId, storeId: host.storeId, links: [], local: [], remote: [], knownICalUIds: new Map(), policy: { ...policy, push: true, pull: true, allowDeletes: false } },
    actions: [],
    skipped: [],
    pendingLocal: 0,
  };
}

export async function resolveConflict(
  host: RunHost,
  c: ConflictToResolve,
  keep: 'caseflow' | 'outlook',
  by: string,
  policy: Omit<Policy, 'push' | 'pull' | 'allowDeletes'>,
): Promise<Resolved> {
  const lock = host.lock();
  if ('heldBy' in lock) throw new LockHeld(host.staffEmail);
  try {
    const { store } = host;
    const link: Link | undefined = store.links().find((l) => l.id === c.linkId);
    const item: LocalItem | undefined = link ? store.localItems(host.window, [link]).find((i) => i.kind === 'event' && i.id === c.eventId) : undefined;
    if (!link || !item || !link.outlookId) throw new ConflictGone(c.id, 'caseflow', keep);
    const summary: RunSummary = { staff: host.staffEmail, pulled: zero(), pushed: zero(), conflicts: 0, skipped: 0, errors: [] };
    const local = new Map([[`event:${item.id}`, item]]);
    const run = { store, calendar: host.calendar, trigger: 'resolve' as const, staffId: host.staffId, storeId: host.storeId, local, log: host.log };
    const d = draft(host, policy);
    if (keep === 'caseflow') {
      pushUpdate(d, link, item, c.changeKey ?? link.changeKey);
      const done = await execute({ actions: d.actions, skipped: [], pendingLocal: 0 }, run);
      const failure = done.failures[0];
      if (failure?.outcome === 'preconditionFailed') return { summary, supersededBy: await supersede(host, c, link, item) };
      if (failure?.outcome === 'notFound') {
        store.transaction(() => {
          store.updateLink(link.id, { state: 'unlinked', outlookId: null, changeKey: null, remoteHash: null });
          store.resolveConflict(c.id, keep, by);
          store.audit({ trigger: 'resolve', direction: 'none', action: 'resolve', kind: 'conflict', eventId: c.eventId, outlookId: c.outlookId, summary: `conflict ${c.id} resolved by ${by}: CaseFlow's version kept; the Outlook copy was gone and is created again on the next run` });
        });
        return { summary, recreated: true };
      }
      if (failure) throw new ConflictNotApplied(c.id, done.errors[0] ?? failure.outcome);
      summary.pushed = done.pushed;
    } else {
      const json = await host.calendar.getEvent(link.outlookId);
      if (!json) throw new ConflictGone(c.id, 'outlook', keep);
      pullUpdate(d, link, item, fromGraphEvent(json, { inWindow: true }), true);
      const done = await execute({ actions: d.actions, skipped: [], pendingLocal: 0 }, run);
      if (done.replayRound) throw new ConflictChanged(c.id, 'caseflow');
      summary.pulled = done.pulled;
    }
    store.transaction(() => {
      store.updateLink(link.id, { state: 'linked' });
      store.resolveConflict(c.id, keep, by);
      store.audit({
        trigger: 'resolve',
        direction: keep === 'caseflow' ? 'outlook' : 'caseflow',
        action: 'resolve',
        kind: 'conflict',
        eventId: c.eventId,
        outlookId: c.outlookId,
        summary: `conflict ${c.id} resolved by ${by}: ${keep === 'caseflow' ? "CaseFlow's version written to Outlook" : "Outlook's version kept in CaseFlow"}`,
      });
    });
    return { summary };
  } finally {
    lock.release();
  }
}

/** Outlook changed again (412): record what it holds now beside CaseFlow's version, for review. */
async function supersede(host: RunHost, c: ConflictToResolve, link: Link, item: LocalItem): Promise<number> {
  const json = await host.calendar.getEvent(link.outlookId!);
  if (!json) throw new ConflictGone(c.id, 'outlook', 'caseflow');
  const event = fromGraphEvent(json, { inWindow: true });
  return host.store.transaction(() => {
    const id = host.store.recordConflict({ type: 'conflict.record', linkId: link.id, localId: item.id, outlookId: event.id, caseflow: item.content, outlook: event.content, changeKey: event.changeKey });
    host.store.supersedeConflict(c.id, id);
    host.store.updateLink(link.id, { state: 'paused', changeKey: event.changeKey });
    host.store.audit({ trigger: 'resolve', direction: 'none', action: 'conflict', kind: 'event', eventId: item.id, outlookId: event.id, summary: `conflict ${c.id} not applied: the event changed again in Outlook; conflict ${id} holds both versions now` });
    return id;
  });
}
