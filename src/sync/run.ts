// One sync run for one staff member: lock, window, recover unfinished creates, read the delta
// round, plan, execute, then save the delta link.
//
// A scheduled run reads Outlook's changes first and plans both sides together, then pushes and
// pulls; so a CaseFlow edit is never written over an Outlook edit it has not seen (do
// not rely on If-Match alone). `sync` (Sync now) plans with push off: it only pulls.

import { LockHeld } from './errors.js';
import type { Logger } from '../log.js';
import { localHash, remoteHash } from './content.js';
import { execute, writtenSummary, type Counts } from './executor.js';
import { claimedLink, claimOwnCreates, findOwnCreates } from './claim.js';
import { fromGraphEvent, parseCaseflowIdValue, type GraphEventJson } from './mapping.js';
import type { Breaker, Link, LocalItem, PlanResult, Policy } from './model.js';
import { plan, SKIP_REASON_TEXT } from './planner.js';
import { InvalidItemError, type AuditTrigger, type InvalidItem, type RemoteCalendar, type SyncStore, type SyncWindow } from './ports.js';
import { fetchRound, type Round } from './pull.js';
import { CaseflowReader, changedRefs, iCalUIdsOf, readAll, readItems, refsOf, scopeKey } from './scope.js';
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
  readState: () => { deltaLink: string | null; windowStart: string | null; windowEnd: string | null; deltaFlows: string | null; allowDeletes: boolean } & CommittedChanges;
  /** Graph's origin: a saved link elsewhere (the config changed clouds) is not followed. */
  graphOrigin: string;
  /** One write: the delta link and the CaseFlow change number go together, or neither. */
  saveState: (changes: {
    deltaLink?: string | null;
    windowStart?: string;
    windowEnd?: string;
    deltaFlows?: string;
    lastError?: string | null;
    breaker?: string | null;
    allowDeletes?: boolean;
    changeSeq?: number | null;
    changeScope?: string | null;
    success: boolean;
  }) => void;
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

/** The CaseFlow change number the last committed run had applied, and what it read under (scope.ts). */
export interface CommittedChanges {
  changeSeq: number | null;
  changeScope: string | null;
}

const zero = (): Counts => ({ created: 0, updated: 0, deleted: 0 });

/**
 * Creates whose outcome is unknown (crash, lost answer): look for them by our tag first. A create
 * the planner will not retry (the item is gone, or no longer pushable) is looked up once: if
 * Outlook has no copy, the link is dropped, so the lookup does not repeat on every run. A copy
 * found is reported as created by this run, and audited: the run that made it never read the answer.
 */
async function recoverCreates(host: RunHost, o: RunOptions): Promise<number> {
  const links = host.store.openLinks().filter((l) => l.state === 'creating' && l.outlookId === null);
  if (links.length === 0) return 0;
  let recovered = 0;
  const items = new Map(readItems(host.store, host.window, refsOf(links)).local.map((i) => [`${i.kind}:${i.id}`, i]));
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
      const title = item?.content.title ?? event.content.title;
      host.store.audit({ trigger: o.trigger, direction: 'outlook', action: 'create', kind: link.kind, eventId: link.localId, outlookId: event.id, summary: `${writtenSummary('create', title, link)}; made by an earlier run that never read the answer, found again by its CaseFlow tag` });
    });
    recovered += 1;
  }
  return recovered;
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
  /** CaseFlow's change number before anything was read, and the window and settings read under: committed with the delta link. */
  changes: { mark: number; key: string };
  /** Outlook changes were set aside for items edited in CaseFlow during the run: the round must come again. */
  setAside: boolean;
}

/**
 * Reads Outlook's changes since the last committed round and plans both sides. With `write`, our
 * own creates found among them (a restored store) are linked in the store first; with `dry`, the
 * same links are only assumed, and nothing anywhere is written. A run that writes reads of
 * CaseFlow only what changed since the last committed run when it can (scope.ts); `dry` reads all.
 */
export async function readAndPlan(host: RunHost, o: RunOptions, mode: 'write' | 'dry'): Promise<Prepared> {
  const state = host.readState();
  // Taken before any item is read: a change made while the run reads is read again next time.
  const changes = { mark: host.store.changeMark(), key: scopeKey(host.window, o.policy) };
  const sameWindow = state.windowStart === host.window.startUtc && state.windowEnd === host.window.endUtc;
  // A flow switched back on must see what happened in Outlook while it was off: a full round.
  const flows = flowsOf(o.policy);
  const savedLink = sameWindow && state.deltaLink && sameOrigin(state.deltaLink, host.graphOrigin) && coversFlows(state.deltaFlows, flows) ? state.deltaLink : null;
  const scoped = mode === 'write' && savedLink !== null && state.changeSeq !== null && state.changeScope === changes.key;
  const reader = new CaseflowReader(host.store, host.window, changes.mark, scoped ? state.changeSeq : null);
  const round = await fetchRound({
    calendar: host.calendar,
    window: host.window,
    savedLink,
    linkedIds: reader.linkedIds(),
    // Invitations too: a full round does not say that one was cancelled or deleted.
    windowLinkedIds: () => reader.windowLinkedIds(),
    recheckIds: host.invalidIds(),
    log: host.log,
  });
  if (round.full) reader.everything();
  reader.widen(round.changes);
  host.log.debug(`delta round: ${round.full ? 'full' : 'since the last run'}, ${round.pages} page(s), ${round.changes.length} change(s)`);
  // What the delta does not say of recurring series (deleted occurrences): read their instances.
  const series = await readSeries({ calendar: host.calendar, window: host.window, links: reader.read.links, round, now: host.store.now(), checkedAt: host.store.seriesCheckedAt(), events: o.policy.events, log: host.log });
  round.changes.push(...series.changes);
  round.invalid.push(...series.invalid);
  reader.widen(series.changes);
  const { local, remote, setAside } = reader.settle(round.changes, host.log);
  const rows = reader.rowsRead;
  host.log.debug(`CaseFlow: ${rows.links} link(s) and ${rows.items} item(s) read (${reader.scoped ? 'what changed since the last run, and what the round touched' : 'everything'})`);
  let { links } = reader.read;
  const claimOptions = { storeId: host.storeId, store: host.store, calendar: host.calendar, links, local, changes: remote, trigger: o.trigger };
  if (mode === 'write') {
    if (await claimOwnCreates(claimOptions)) links = reader.links();
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
    remote,
    knownICalUIds: host.store.knownICalUIds(iCalUIdsOf(remote)),
    policy: { ...o.policy, push: o.push, pull: true, allowDeletes },
  });
  const localByKey = new Map<string, LocalItem>(local.map((i) => [`${i.kind}:${i.id}`, i]));
  return { state, links, local, localByKey, flows, round, result, allowDeletes, series, changes, setAside };
}

export async function runSync(host: RunHost, o: RunOptions): Promise<RunSummary> {
  const summary: RunSummary = { staff: host.staffEmail, pulled: zero(), pushed: zero(), conflicts: 0, skipped: 0, errors: [], ...(host.runId ? { runId: host.runId } : {}) };
  const lock = host.lock();
  if ('heldBy' in lock) throw new LockHeld(host.staffEmail);
  try {
    const recovered = await recoverCreates(host, o);
    const { state, localByKey, flows, round, result, allowDeletes, series, changes, setAside } = await readAndPlan(host, o, 'write');
    summary.skipped = result.skipped.length;
    for (const s of result.skipped) host.log.debug(`skipped ${s.kind ?? 'event'} ${s.localId ?? s.outlookId ?? ''}: ${SKIP_REASON_TEXT[s.reason]}`);
    lock.renew(); // the delta round may have taken a while; the writes come next
    const done = await execute(result, { store: host.store, calendar: host.calendar, trigger: o.trigger, staffId: host.staffId, storeId: host.storeId, local: localByKey, log: host.log });
    Object.assign(summary, { pulled: done.pulled, pushed: { ...done.pushed, created: done.pushed.created + recovered }, conflicts: done.conflicts, errors: [...done.errors, ...invalidText(round.invalid)] });
    if (result.breaker) {
      summary.breaker = result.breaker;
      summary.errors.push(breakerText(result.breaker));
    }
    // Removals held back by the breaker, or Outlook changes set aside because CaseFlow was edited
    // during the run, must come again: keep the old delta link (the rest of the round replays
    // harmlessly, as hashes show it is already applied).
    const holdRound = ((result.breaker?.caseflow ?? 0) > 0 && result.breaker?.side !== 'outlook') || done.replayRound || setAside;
    // A disconnect during the run cleared the sync state: do not write it back.
    if (!host.store.stillConnected()) return summary;
    recordSeries(host.store, series, round.changes, holdRound);
    host.saveInvalid(round.invalid);
    host.saveState({
      ...(holdRound ? {} : { deltaLink: round.deltaLink, windowStart: host.window.startUtc, windowEnd: host.window.endUtc, deltaFlows: flows }),
      ...committedChanges(changes, { held: holdRound || result.breaker !== undefined, applied: o.push && done.errors.length === 0 }),
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

/**
 * What a run commits of CaseFlow's change log. Applied (pushed, no write failed): the number taken
 * before it read, so the next run reads only what changed after. Held (breaker, a round to come
 * again): none, so the next run reads everything. Otherwise (push off, a write failed) the number
 * stays, and the next run reads the same changes again.
 */
function committedChanges(changes: Prepared['changes'], run: { held: boolean; applied: boolean }): Partial<CommittedChanges> {
  if (run.held) return { changeSeq: null, changeScope: null };
  return run.applied ? { changeSeq: changes.mark, changeScope: changes.key } : {};
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
 * a second one. With `committed` under the same window and settings, only what changed since is read.
 */
export function pendingCount(
  host: Pick<RunHost, 'store' | 'staffId' | 'storeId' | 'window'> & { committed?: CommittedChanges },
  policy: Omit<Policy, 'push' | 'pull' | 'allowDeletes'>,
): number {
  const since = host.committed?.changeScope === scopeKey(host.window, policy) ? host.committed.changeSeq : null;
  const { links, local } = since === null ? readAll(host.store, host.window) : readItems(host.store, host.window, changedRefs(host.store, since));
  const result = plan({
    staff: host.staffId,
    storeId: host.storeId,
    links,
    local,
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
