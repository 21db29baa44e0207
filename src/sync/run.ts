// One sync run for one staff member: lock, window, recover unfinished creates, read the delta
// round, plan, execute, then save the delta link.
//
// A scheduled run reads Outlook's changes first and plans both sides together, then pushes and
// pulls; so a CaseFlow edit is never written over an Outlook edit it has not seen (do
// not rely on If-Match alone). `sync` (Sync now) plans with push off: it only pulls.

import { LockHeld } from './errors.js';
import type { Logger } from '../log.js';
import { localHash, remoteHash } from './content.js';
import { execute, type Counts } from './executor.js';
import { claimedLink, claimOwnCreates, findOwnCreates } from './claim.js';
import { fromGraphEvent, parseCaseflowIdValue, type GraphEventJson } from './mapping.js';
import type { Breaker, Link, LocalItem, PlanResult, Policy, RemoteChange } from './model.js';
import { plan, SKIP_REASON_TEXT } from './planner.js';
import { InvalidItemError, type AuditTrigger, type InvalidItem, type RemoteCalendar, type SyncStore, type SyncWindow } from './ports.js';
import { fetchRound, type Round } from './pull.js';
import { readSeries, recordSeries, type SeriesRead } from './series.js';

export interface RunSummary {
  staff: string;
  pulled: Counts;
  pushed: Counts;
  conflicts: number;
  skipped: number;
  errors: string[];
  /** Set when nothing ran, and why (sync paused, nothing enabled). */
  note?: string;
  breaker?: Breaker;
  /** The run's id, on each audit row it wrote: `restore --run RUN_ID` undoes its deletions. */
  runId?: string;
}

/** What the run needs from its surroundings, beyond the two ports. */
export interface RunHost {
  store: SyncStore;
  calendar: RemoteCalendar;
  staffEmail: string;
  staffId: number;
  /** This store's instance id. */
  storeId: string;
  /** This run's id (the store writes it on every audit row). */
  runId?: string;
  log: Logger;
  window: SyncWindow;
  /** Saved delta state and the window it was taken for; read after the lock is taken. */
  readState: () => { deltaLink: string | null; windowStart: string | null; windowEnd: string | null; deltaFlows: string | null; allowDeletes: boolean };
  /** Graph's origin: a saved link elsewhere (the config changed clouds) is not followed. */
  graphOrigin: string;
  saveState: (changes: { deltaLink?: string | null; windowStart?: string; windowEnd?: string; deltaFlows?: string; lastError?: string | null; breaker?: string | null; allowDeletes?: boolean; success: boolean }) => void;
  lock: () => { renew(): void; release(): void } | { heldBy: string };
  /** Outlook ids whose JSON failed validation in earlier rounds: read again by id. */
  invalidIds: () => string[];
  /** What is still invalid after this round (replaces the list). */
  saveInvalid: (items: InvalidItem[]) => void;
}

export interface RunOptions {
  trigger: AuditTrigger;
  push: boolean;
  policy: Omit<Policy, 'push' | 'pull' | 'allowDeletes'>;
  allowDeletes: boolean;
}

const zero = (): Counts => ({ created: 0, updated: 0, deleted: 0 });

/**
 * Creates whose outcome is unknown (crash, lost answer): look for them by our tag first. A create
 * the planner will not retry (the item is gone, or no longer pushable) is looked up once: if
 * Outlook has no copy, the link is dropped, so the lookup does not repeat on every run.
 */
async function recoverCreates(host: RunHost, o: RunOptions): Promise<void> {
  const links = host.store.links().filter((l) => l.state === 'creating' && l.outlookId === null);
  if (links.length === 0) return;
  const items = new Map(host.store.localItems(host.window, links).map((i) => [`${i.kind}:${i.id}`, i]));
  const toggles = { event: o.policy.events, task: o.policy.tasks, deadline: o.policy.deadlines };
  for (const link of links) {
    const item = items.get(`${link.kind}:${link.localId}`);
    const retried = item !== undefined && toggles[link.kind] && !item.recurring && !item.readOnly;
    let found: GraphEventJson | null = null;
    try {
      found = link.tag === null ? null : await host.calendar.findByTag(link.tag);
    } catch (error) {
      if (!(error instanceof InvalidItemError)) throw error;
      // Stays `creating`: a create sent again carries the same transactionId.
      host.log.warn(`unfinished create of ${link.kind} ${link.localId}: its Outlook copy could not be read (${error.item.problem})`);
      continue;
    }
    // A tag from before store instance ids (`event:12`) says nothing of which store wrote it:
    // believe it only when the copy carries the transactionId this link sent.
    const legacy = link.tag !== null && parseCaseflowIdValue(link.tag)?.version === 0;
    if (!found || (legacy && found.transactionId !== link.transactionId)) {
      if (!retried) host.store.transaction(() => host.store.deleteLink(link.id));
      continue;
    }
    const event = fromGraphEvent(found, { inWindow: true });
    host.log.debug(`found the Outlook copy of ${link.kind} ${link.localId} created by an earlier run`);
    host.store.transaction(() => {
      // remoteHash stays what the create sent; no changeKey: this round's delta entry for the
      // copy (it changed after the last committed round) is compared by content, so an Outlook
      // edit made to it meanwhile is seen as one.
      host.store.updateLink(link.id, { state: 'linked', outlookId: event.id, changeKey: null, iCalUId: event.iCalUId });
      if (link.kind === 'event' && item) host.store.setEventRemoteFacts(link.localId, { iCalUId: event.iCalUId, ...(event.joinUrl ? { joinUrl: event.joinUrl } : {}) });
    });
  }
}

/** The flows a delta link was read under: one read while a flow was off misses that flow's changes. */
export function flowsOf(policy: Pick<Policy, 'events' | 'tasks' | 'deadlines'>): string {
  return (['events', 'tasks', 'deadlines'] as const).filter((f) => policy[f]).join(',');
}

/** A saved link serves only if every flow on now was on when it was read (else: a full round). */
function coversFlows(saved: string | null, now: string): boolean {
  if (saved === null) return false;
  const had = new Set(saved.split(',').filter(Boolean));
  return now.split(',').filter(Boolean).every((f) => had.has(f));
}

/** The iCalUIds this round's Outlook events carry: the only ones the planner looks up. */
function remoteICalUIds(changes: RemoteChange[]): string[] {
  return [...new Set(changes.flatMap((c) => (c.event && c.event.iCalUId !== null ? [c.event.iCalUId] : [])))];
}

/** What a run reads and decides before it writes anything to Outlook. */
export interface Prepared {
  state: ReturnType<RunHost['readState']>;
  links: Link[];
  local: LocalItem[];
  localByKey: Map<string, LocalItem>;
  flows: string;
  round: Round;
  result: PlanResult;
  allowDeletes: boolean;
  series: SeriesRead;
}

/**
 * Reads Outlook's changes since the last committed round and plans both sides. With `write`, our
 * own creates found among them (a restored store) are linked in the store first; with `dry`, the
 * same links are only assumed, and nothing anywhere is written.
 */
export async function readAndPlan(host: RunHost, o: RunOptions, mode: 'write' | 'dry'): Promise<Prepared> {
  const state = host.readState();
  let links = host.store.links();
  const local = host.store.localItems(host.window, links);
  const localByKey = new Map<string, LocalItem>(local.map((i) => [`${i.kind}:${i.id}`, i]));
  const sameWindow = state.windowStart === host.window.startUtc && state.windowEnd === host.window.endUtc;
  // A flow switched back on must see what happened in Outlook while it was off: a full round.
  const flows = flowsOf(o.policy);
  const savedLink = sameWindow && state.deltaLink && sameOrigin(state.deltaLink, host.graphOrigin) && coversFlows(state.deltaFlows, flows) ? state.deltaLink : null;
  const round = await fetchRound({
    calendar: host.calendar,
    window: host.window,
    savedLink,
    linkedIds: new Set(links.flatMap((l) => (l.outlookId ? [l.outlookId] : []))),
    // Invitations too: a full round does not say that one was cancelled or deleted.
    windowLinkedIds: new Set(links.flatMap((l) => (l.outlookId && localByKey.get(`${l.kind}:${l.localId}`)?.inWindow ? [l.outlookId] : []))),
    recheckIds: host.invalidIds(),
    log: host.log,
  });
  host.log.debug(`delta round: ${round.full ? 'full' : 'since the last run'}, ${round.pages} page(s), ${round.changes.length} change(s)`);
  // What the delta does not say of recurring series (deleted occurrences): read their instances.
  const series = await readSeries({ calendar: host.calendar, window: host.window, links, round, now: host.store.now(), checkedAt: host.store.seriesCheckedAt(), events: o.policy.events, log: host.log });
  round.changes.push(...series.changes);
  round.invalid.push(...series.invalid);
  const claimOptions = { storeId: host.storeId, store: host.store, calendar: host.calendar, links, local, changes: round.changes, trigger: o.trigger };
  if (mode === 'write') {
    if (await claimOwnCreates(claimOptions)) links = host.store.links();
  } else {
    const claims = await findOwnCreates(claimOptions);
    links = links.map((l) => {
      const claim = claims.find((c) => c.candidate.link?.id === l.id);
      return claim ? { ...l, ...claimedLink(host.storeId, claim) } : l;
    });
    claims.forEach((claim, i) => {
      if (claim.candidate.link) return;
      const { item } = claim.candidate;
      links.push({ ...claimedLink(host.storeId, claim), id: -(i + 1), staff: host.staffId, kind: item.kind, localId: item.id, itemUid: item.uid, role: 'owner' });
    });
  }
  const allowDeletes = o.allowDeletes || state.allowDeletes;
  const result = plan({
    staff: host.staffId,
    storeId: host.storeId,
    links,
    local,
    remote: round.changes,
    knownICalUIds: host.store.knownICalUIds(remoteICalUIds(round.changes)),
    policy: { ...o.policy, push: o.push, pull: true, allowDeletes },
  });
  return { state, links, local, localByKey, flows, round, result, allowDeletes, series };
}

export async function runSync(host: RunHost, o: RunOptions): Promise<RunSummary> {
  const summary: RunSummary = { staff: host.staffEmail, pulled: zero(), pushed: zero(), conflicts: 0, skipped: 0, errors: [], ...(host.runId ? { runId: host.runId } : {}) };
  const lock = host.lock();
  if ('heldBy' in lock) throw new LockHeld(host.staffEmail);
  try {
    await recoverCreates(host, o);
    const { state, localByKey, flows, round, result, allowDeletes, series } = await readAndPlan(host, o, 'write');
    summary.skipped = result.skipped.length;
    for (const s of result.skipped) host.log.debug(`skipped ${s.kind ?? 'event'} ${s.localId ?? s.outlookId ?? ''}: ${SKIP_REASON_TEXT[s.reason]}`);
    lock.renew(); // the delta round may have taken a while; the writes come next
    const done = await execute(result, { store: host.store, calendar: host.calendar, trigger: o.trigger, staffId: host.staffId, storeId: host.storeId, local: localByKey, log: host.log });
    Object.assign(summary, { pulled: done.pulled, pushed: done.pushed, conflicts: done.conflicts, errors: [...done.errors, ...invalidText(round.invalid)] });
    if (result.breaker) {
      summary.breaker = result.breaker;
      summary.errors.push(breakerText(result.breaker));
    }
    // Removals held back by the breaker, or Outlook changes set aside because CaseFlow was edited
    // during the run, must come again: keep the old delta link (the rest of the round replays
    // harmlessly, as hashes show it is already applied).
    const holdRound = ((result.breaker?.caseflow ?? 0) > 0 && result.breaker?.side !== 'outlook') || done.replayRound;
    // A disconnect during the run cleared the sync state: do not write it back.
    if (!host.store.stillConnected()) return summary;
    recordSeries(host.store, series, round.changes, holdRound);
    host.saveInvalid(round.invalid);
    host.saveState({
      ...(holdRound ? {} : { deltaLink: round.deltaLink, windowStart: host.window.startUtc, windowEnd: host.window.endUtc, deltaFlows: flows }),
      lastError: summary.errors.length ? summary.errors.join('; ').slice(0, 2000) : null,
      breaker: result.breaker ? breakerText(result.breaker) : null,
      // The permission is used up by a run that could delete on both sides.
      allowDeletes: allowDeletes && !o.push && result.breaker === undefined ? state.allowDeletes : false,
      success: summary.errors.length === 0,
    });
    return summary;
  } catch (error) {
    host.saveState({ lastError: (error as Error).message, success: false });
    throw error;
  } finally {
    lock.release();
  }
}

/** Outlook events skipped because their JSON did not read well (they are read again next run). */
export function invalidText(items: InvalidItem[]): string[] {
  const noId = items.filter((i) => i.id === null).length;
  return [
    ...items.flatMap((i) => (i.id === null ? [] : [`Outlook event ${i.id} skipped: ${i.problem} (read again on the next run)`])),
    ...(noId ? [`${noId} Outlook entr${noId === 1 ? 'y' : 'ies'} without an id skipped`] : []),
  ];
}

export function breakerText(b: Breaker): string {
  return `${b.wouldDelete} deletion(s) held back (${b.outlook} in Outlook, ${b.caseflow} in CaseFlow): more than sync.maxDeletesPerRun (${b.limit})`;
}

/**
 * CaseFlow-side changes waiting for the next scheduled run (for `status`): what the planner would
 * push if Outlook had nothing new, plus what it holds back (breaker). The planner's own rule, not
 * a second one.
 */
export function pendingCount(host: Pick<RunHost, 'store' | 'staffId' | 'storeId' | 'window'>, policy: Omit<Policy, 'push' | 'pull' | 'allowDeletes'>): number {
  const links = host.store.links();
  const result = plan({
    staff: host.staffId,
    storeId: host.storeId,
    links,
    local: host.store.localItems(host.window, links),
    remote: [],
    knownICalUIds: new Map(),
    policy: { ...policy, push: true, pull: false, allowDeletes: false },
  });
  return result.actions.filter((a) => a.type === 'remote.create' || a.type === 'remote.update' || a.type === 'remote.delete').length + result.pendingLocal;
}

function sameOrigin(link: string, origin: string): boolean {
  try {
    return new URL(link).origin === new URL(origin).origin;
  } catch {
    return false;
  }
}
