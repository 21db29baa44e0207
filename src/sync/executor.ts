// Carries out a plan. Order matters for "no duplicates, no lost edits":
//  1. links of items about to be created are written as `creating` (their transactionId is
//     derived from the link) just before their batch goes out, so a crash after Graph's write is
//     found again by the next run;
//  2. Outlook writes go out through $batch; each answer is committed as it comes (what Outlook
//     now holds is known, whatever happens to the rest of the run);
//  3. the rest of the results and every CaseFlow-side change are committed in one transaction.
// The caller saves the delta link only after step 3.

import { Disconnected } from './errors.js';
import type { Logger } from '../log.js';
import { localHash, remoteHash } from './content.js';
import { CONFIDENTIAL_BODY } from './confidentiality.js';
import { caseflowIdValue, fromGraphEvent, parseCaseflowIdValue, transactionIdFor, type GraphEventJson } from './mapping.js';
import type { Action, ItemKind, LocalItem, PlanResult, RemoteCreate, RemoteDelete, RemoteUpdate } from './model.js';
import { InvalidItemError, type AuditTrigger, type RemoteCalendar, type SyncStore, type WriteOp, type WriteOutcome } from './ports.js';

export interface Counts {
  created: number;
  updated: number;
  deleted: number;
}
export interface Failure {
  linkId: number;
  kind: ItemKind;
  localId: number;
  outcome: Exclude<WriteOutcome['status'], 'ok'> | 'failed';
}

export interface ExecutionResult {
  pushed: Counts;
  pulled: Counts;
  conflicts: number;
  /** One line per item that could not be written; it stays pending for the next run. */
  errors: string[];
  /** The same, as data: which link, and what became of its write. */
  failures: Failure[];
  /** An Outlook change was set aside (CaseFlow edited meanwhile): the round must be read again. */
  replayRound: boolean;
}

export interface ExecuteOptions {
  store: SyncStore;
  calendar: RemoteCalendar;
  trigger: AuditTrigger;
  staffId: number;
  /** This store's instance id (for the transactionId of a create sent again). */
  storeId: string;
  /** The CaseFlow items the plan was made from, by `${kind}:${id}`. */
  local: Map<string, LocalItem>;
  log: Logger;
}

type RemoteAction = RemoteCreate | RemoteUpdate | RemoteDelete;
const isRemote = (a: Action): a is RemoteAction => a.type === 'remote.create' || a.type === 'remote.update' || a.type === 'remote.delete';
const zero = (): Counts => ({ created: 0, updated: 0, deleted: 0 });

export async function execute(plan: PlanResult, o: ExecuteOptions): Promise<ExecutionResult> {
  const result: ExecutionResult = { pushed: zero(), pulled: zero(), conflicts: 0, errors: [], failures: [], replayRound: false };
  const remote = plan.actions.filter(isRemote);
  const writes = remote.length > 0 ? await pushRemote(remote, o, result) : [];
  o.store.transaction(() => {
    // A disconnect during the run stops it before CaseFlow is written (rolled back).
    if (!o.store.stillConnected()) throw new Disconnected();
    for (const apply of writes) apply();
    for (const action of plan.actions) {
      if (isRemote(action)) continue;
      if (editedDuringRun(action, o)) {
        result.replayRound = true;
        o.log.info(`event ${'localId' in action ? action.localId : ''} was edited in CaseFlow during the run; the next run compares both sides`);
        continue;
      }
      applyLocal(action, o, result);
    }
  });
  return result;
}

/**
 * The plan was made from CaseFlow as it was when the run started; someone may have edited the
 * event since (the CLI takes no sync lock). Such an action is skipped, not written over the edit.
 */
function editedDuringRun(action: Action, o: ExecuteOptions): boolean {
  if (action.type !== 'local.update' && action.type !== 'local.delete') return false;
  const planned = o.local.get(`event:${action.localId}`);
  if (!planned) return false;
  const now = o.store.currentContent('event', action.localId);
  return now === null || localHash({ content: now, confidential: planned.confidential }) !== localHash(planned);
}

/**
 * Sends the Outlook writes. Each batch's items are recorded just before they go out (a create's
 * link as `creating`, an update's hashes), and each answer is recorded as it comes, in small
 * transactions while the other batches are in flight. An answer that needs another look (a create
 * refused as a repeat, an update refused as stale) is looked at once the writes are done; returns
 * the store updates those give, to commit with the rest of the run.
 */
async function pushRemote(actions: RemoteAction[], o: ExecuteOptions, result: ExecutionResult): Promise<(() => void)[]> {
  // A disconnect stops a run in flight before its next write.
  const connected = () => {
    if (!o.store.stillConnected()) throw new Disconnected();
  };
  connected();
  const linkIds: number[] = [];
  const later: { index: number; outcome: WriteOutcome }[] = [];
  let settled = 0;
  await o.calendar.write(actions.map(opFor), {
    beforeSend: (indices) =>
      o.store.transaction(() => {
        connected();
        for (const i of indices) linkIds[i] = claim(actions[i]!, o);
      }),
    settled: (done) => {
      settled += done.length;
      const applies: (() => void)[] = [];
      for (const { index, outcome } of done) {
        const a = actions[index]!;
        if ((a.type === 'remote.create' && outcome.status === 'duplicate') || (a.type === 'remote.update' && outcome.status === 'preconditionFailed')) later.push({ index, outcome });
        else settle(a, linkIds[index]!, outcome, false, o, result, applies);
      }
      if (applies.length > 0)
        o.store.transaction(() => {
          connected();
          for (const apply of applies) apply();
        });
    },
  });
  // Every write is recorded through the hooks; a calendar that skipped them would leave links unknown.
  if (settled !== actions.length) throw new Error(`the calendar reported ${settled} of ${actions.length} writes as done`);

  const applies: (() => void)[] = [];
  for (const { index, outcome: first } of later) {
    const a = actions[index]!;
    const linkId = linkIds[index]!;
    let outcome = first;
    let foundAgain = false;
    if (a.type === 'remote.create') {
      try {
        ({ outcome, foundAgain } = await afterDuplicate(a, linkId, o));
      } catch (error) {
        if (!(error instanceof InvalidItemError)) throw error;
        fail(applies, o, result, failureOf(a, linkId, 'failed'), `create of ${a.kind} ${a.localId} in Outlook: its copy could not be read (${error.item.problem})`);
        continue;
      }
      if (outcome.status === 'duplicate') {
        applies.push(() => o.store.updateLink(linkId, { state: 'unlinked', outlookId: null, changeKey: null, remoteHash: null }));
        result.errors.push(`create of ${a.kind} ${a.localId} in Outlook: Outlook refused it as already made and no copy of it was found; it is created again on the next run`);
        result.failures.push(failureOf(a, linkId, 'duplicate'));
        continue;
      }
    } else if (a.type === 'remote.update') {
      try {
        const stored = await storedUpdate(a, o);
        if (stored) ({ outcome, foundAgain } = { outcome: stored, foundAgain: true });
        // Changed in Outlook by someone else: the update was not stored, or was edited over.
        else applies.push(() => o.store.updateLink(linkId, SETTLED));
      } catch (error) {
        if (!(error instanceof InvalidItemError)) throw error;
      }
    }
    settle(a, linkId, outcome, foundAgain, o, result, applies);
  }
  return applies;
}

/** Records, before it is sent, what a write must leave behind if its answer never comes; returns its link. */
function claim(a: RemoteAction, o: ExecuteOptions): number {
  // An update records what it sends first: if Outlook stores it but its answer is lost, the next
  // round shows the copy changed, and the link knows that change as its own.
  if (a.type === 'remote.update') o.store.updateLink(a.linkId, { sentLocalHash: a.localHash, sentRemoteHash: sentHash(a) });
  if (a.type !== 'remote.create') return a.linkId;
  // remoteHash: what the copy holds if nobody touches it, so a copy found again later (its answer
  // lost, a crash) shows any Outlook edit made to it meanwhile as a change.
  const fields = { state: 'creating' as const, outlookId: null, transactionId: a.transactionId, tag: a.tag, generation: a.generation, confidential: a.confidential, titleMask: a.titleMask, localHash: a.localHash, remoteHash: sentHash(a), changeKey: null };
  if (a.linkId === null) return o.store.insertLink({ ...fields, kind: a.kind, localId: a.localId, role: 'owner', iCalUId: null });
  o.store.updateLink(a.linkId, fields);
  return a.linkId;
}

const failureOf = (a: RemoteAction, linkId: number, outcome: Failure['outcome']): Failure => ({ linkId, kind: a.kind, localId: a.localId, outcome });

/** What a write's final outcome leaves in the store (pushed onto `applies`) and in the run's result. */
function settle(a: RemoteAction, linkId: number, outcome: WriteOutcome, foundAgain: boolean, o: ExecuteOptions, result: ExecutionResult, applies: (() => void)[]): void {
  if (a.type === 'remote.delete') {
    // Not found: already gone, which is what was asked.
    if (outcome.status === 'ok' || outcome.status === 'notFound') {
      applies.push(() => {
        o.store.deleteLink(linkId);
        o.store.audit({ trigger: o.trigger, direction: 'outlook', action: 'delete', kind: a.kind, eventId: a.localId, outlookId: a.outlookId, summary: `deleted in Outlook (deleted in CaseFlow)` });
      });
      result.pushed.deleted += 1;
    } else {
      fail(applies, o, result, failureOf(a, linkId, outcome.status), `delete of ${a.kind} ${a.localId} in Outlook failed: ${why(outcome)}`, a.ifMatch);
    }
    return;
  }
  if (outcome.status !== 'ok' || outcome.event === null) {
    const verb = a.type === 'remote.create' ? 'create' : 'update';
    fail(applies, o, result, failureOf(a, linkId, outcome.status === 'ok' ? 'failed' : outcome.status), `${verb} of ${a.kind} ${a.localId} in Outlook failed: ${why(outcome)}`, a.type === 'remote.update' ? a.ifMatch : null);
    return;
  }
  const event = fromGraphEvent(outcome.event, { inWindow: true });
  // A copy found again rather than made now may have been edited in Outlook since it was made:
  // keep what was sent as the last synced version and read the round again, so the next run
  // compares the two instead of taking Outlook's copy as ours.
  if (foundAgain) result.replayRound = true;
  const title = a.content.title;
  applies.push(() => {
    o.store.updateLink(linkId, {
      state: 'linked',
      outlookId: event.id,
      changeKey: foundAgain ? null : event.changeKey,
      remoteHash: foundAgain ? sentHash(a) : remoteHash(event),
      localHash: a.localHash,
      confidential: a.confidential,
      titleMask: a.titleMask,
      iCalUId: event.iCalUId,
      ...SETTLED,
      failCount: 0,
      lastError: null,
      syncedAt: new Date().toISOString(),
    });
    if (a.kind === 'event') o.store.setEventRemoteFacts(a.localId, { iCalUId: event.iCalUId, ...(event.joinUrl ? { joinUrl: event.joinUrl } : {}) });
    const verb = a.type === 'remote.create' ? 'create' : 'update';
    o.store.audit({ trigger: o.trigger, direction: 'outlook', action: verb, kind: a.kind, eventId: a.localId, outlookId: event.id, summary: writtenSummary(verb, title, a) });
  });
  if (a.type === 'remote.create') result.pushed.created += 1;
  else result.pushed.updated += 1;
}

/** The audit summary of a copy made or updated in Outlook: `created in Outlook: Hearing (confidential, titled "Busy" there)`. */
export function writtenSummary(verb: 'create' | 'update', title: string, copy: { confidential: boolean; titleMask?: string | null }): string {
  const mask = copy.titleMask ? `, titled "${copy.titleMask}" there` : '';
  return `${verb === 'create' ? 'created' : 'updated'} in Outlook: ${title}${copy.confidential ? ` (confidential${mask})` : ''}`;
}

/** Outlook's version of the copy is known again: no update of it is waiting for its answer. */
const SETTLED = { sentLocalHash: null, sentRemoteHash: null } as const;

/** The hash of the copy a create or update makes, as Outlook holds it (the body of a confidential item says "Confidential", its title may be masked). */
function sentHash(a: RemoteCreate | RemoteUpdate): string {
  return remoteHash({ content: { ...a.content, title: a.titleMask ?? a.content.title, description: a.confidential ? CONFIDENTIAL_BODY : a.content.description } });
}

function opFor(a: RemoteAction): WriteOp {
  if (a.type === 'remote.create') return { op: 'create', payload: a.payload, transactionId: a.transactionId, tag: a.tag };
  if (a.type === 'remote.update') return { op: 'update', id: a.outlookId, payload: a.payload, ifMatch: a.ifMatch };
  return { op: 'delete', id: a.outlookId, ifMatch: a.ifMatch };
}

function why(outcome: WriteOutcome): string {
  switch (outcome.status) {
    case 'preconditionFailed':
      return 'changed in Outlook meanwhile; the next run compares both sides';
    case 'notFound':
      return 'not found in Outlook; the next run reads what happened';
    case 'duplicate':
      return 'Outlook refused it as already made';
    case 'throttled':
      return `Outlook is busy (${outcome.detail}); it is sent again on the next run`;
    case 'failed':
      return outcome.detail;
    case 'ok':
      return 'Outlook answered without the event';
  }
}

/**
 * Graph refused a create as a repeat of its transactionId. Either the first attempt did create it
 * (a lost answer, a crash, a store restored from a backup): find it by our tag, which names this
 * store and this very item. Or that copy is gone (Graph remembers the transactionId of a deleted
 * event): create it once more, now, with the next generation's transactionId, recorded first.
 */
async function afterDuplicate(a: RemoteCreate, linkId: number, o: ExecuteOptions): Promise<{ outcome: WriteOutcome; foundAgain: boolean }> {
  const found = await o.calendar.findByTag(a.tag);
  // A tag from before store instance ids (`event:12`) names no store: believe the copy only when
  // it carries the transactionId this create sent (as recoverCreates does).
  const legacy = parseCaseflowIdValue(a.tag)?.version === 0;
  if (found && (!legacy || found.transactionId === a.transactionId)) return { outcome: { status: 'ok', event: found }, foundAgain: true };
  const item = o.local.get(`${a.kind}:${a.localId}`);
  if (!item) return { outcome: { status: 'duplicate' }, foundAgain: false };
  const generation = a.generation + 1;
  const transactionId = transactionIdFor(o.storeId, a.kind, item.uid, generation);
  const tag = caseflowIdValue(o.storeId, a.kind, item.uid);
  o.store.transaction(() => o.store.updateLink(linkId, { state: 'creating', transactionId, tag, generation }));
  const [again] = await o.calendar.write([{ op: 'create', payload: a.payload, transactionId, tag }]);
  return { outcome: again ?? { status: 'duplicate' }, foundAgain: false };
}

/**
 * Graph refused an update as made over a newer version of the copy. That newer version may be
 * this very update: stored once, its answer lost, then sent again with the same If-Match (a 504
 * retried). The copy is read: holding what was sent, the update is done.
 */
async function storedUpdate(a: RemoteUpdate, o: ExecuteOptions): Promise<WriteOutcome | null> {
  const json = await o.calendar.getEvent(a.outlookId);
  if (json === null) return null;
  return remoteHash(fromGraphEvent(json, { inWindow: true })) === sentHash(a) ? { status: 'ok', event: json } : null;
}

/**
 * An item that could not be written stays pending. The changeKey the plan saw is kept: the round's
 * delta link is saved, so a later If-Match must use what this round read, or it fails forever.
 */
function fail(applies: (() => void)[], o: ExecuteOptions, result: ExecutionResult, failure: Failure, message: string, seenChangeKey: string | null = null): void {
  const { linkId } = failure;
  result.errors.push(message);
  result.failures.push(failure);
  o.log.warn(message);
  applies.push(() => {
    o.store.linkFailed(linkId, message);
    if (seenChangeKey) o.store.updateLink(linkId, { changeKey: seenChangeKey });
  });
}

function applyLocal(action: Action, o: ExecuteOptions, result: ExecutionResult): void {
  const { store } = o;
  switch (action.type) {
    case 'local.create': {
      const { id, stored } = store.createEvent(action.event, action.content, { readOnly: action.readOnly, recurringInOutlook: action.recurringInOutlook });
      // Outlook made this event: nothing of ours was sent, so no transactionId and no tag.
      const fields = {
        localId: id,
        outlookId: action.event.id,
        state: 'linked' as const,
        role: action.role,
        localHash: localHash({ content: stored, confidential: false }),
        remoteHash: action.remoteHash,
        changeKey: action.changeKey,
        confidential: false,
        iCalUId: action.event.iCalUId,
        seriesMasterId: action.event.seriesMasterId,
        outlookType: action.event.type,
      };
      if (action.linkId !== null) store.updateLink(action.linkId, fields);
      else store.insertLink({ kind: 'event', transactionId: '', tag: null, generation: 0, ...fields });
      store.audit({ trigger: o.trigger, direction: 'caseflow', action: o.trigger === 'import' ? 'import' : 'create', kind: 'event', eventId: id, outlookId: action.event.id, summary: `${o.trigger === 'import' ? 'imported' : 'created'} from Outlook: ${action.content.title}` });
      result.pulled.created += 1;
      return;
    }
    case 'local.update': {
      const item = o.local.get(`event:${action.localId}`);
      const stored = store.updateEvent(action.localId, action.content, action.event.joinUrl);
      if (stored === null) return;
      store.updateLink(action.linkId, {
        remoteHash: action.remoteHash,
        changeKey: action.changeKey,
        ...SETTLED,
        localHash: localHash({ content: stored, confidential: item?.confidential ?? false }),
        ...(action.titleMask !== undefined ? { titleMask: action.titleMask } : {}),
      });
      store.audit({
        trigger: o.trigger,
        direction: 'caseflow',
        action: action.conflict ? 'conflict-outlook-wins' : 'update',
        kind: 'event',
        eventId: action.localId,
        outlookId: action.outlookId,
        summary: action.conflict
          ? `changed on both sides: Outlook's version kept ("${action.content.title}"); CaseFlow's ("${action.previous.title}") is kept in this row`
          : `updated from Outlook: ${action.content.title}`,
        // The CaseFlow version that lost is kept in the audit log (this store only), beside the
        // version that won, so a person can compare them field by field.
        ...(action.conflict ? { detail: { versions: { caseflow: action.previous, outlook: action.content } } } : {}),
      });
      result.pulled.updated += 1;
      if (action.conflict) result.conflicts += 1;
      return;
    }
    case 'local.delete': {
      const deleted = store.deleteEvent(action.localId);
      store.deleteLink(action.linkId);
      // What restore brings back (this store only; never sent anywhere).
      store.audit({ trigger: o.trigger, direction: 'caseflow', action: 'delete', kind: 'event', eventId: action.localId, outlookId: action.outlookId, summary: 'deleted in CaseFlow (deleted in Outlook, confirmed)', detail: { deleted } });
      result.pulled.deleted += 1;
      return;
    }
    case 'link.attendee':
      store.addStaffAsAttendee(action.localId);
      store.insertLink({ kind: 'event', localId: action.localId, outlookId: action.outlookId, transactionId: '', tag: null, generation: 0, state: 'linked', role: 'attendee', localHash: null, remoteHash: action.remoteHash, changeKey: action.changeKey, confidential: false, iCalUId: action.iCalUId, seriesMasterId: action.seriesMasterId ?? null, outlookType: action.outlookType ?? null });
      store.audit({ trigger: o.trigger, direction: 'caseflow', action: 'link-attendee', kind: 'event', eventId: action.localId, outlookId: action.outlookId, summary: 'meeting already in CaseFlow: linked as attendee, not created twice' });
      result.pulled.updated += 1;
      return;
    case 'link.refresh':
      store.updateLink(action.linkId, { localHash: action.localHash, remoteHash: action.remoteHash, changeKey: action.changeKey, ...SETTLED, ...(action.titleMask !== undefined ? { titleMask: action.titleMask } : {}) });
      // A Teams join URL Outlook filled in later (it is not a synced field, so nothing else moved).
      if (action.joinUrl) store.setEventRemoteFacts(action.localId, { joinUrl: action.joinUrl });
      return;
    case 'link.unlink':
      store.updateLink(action.linkId, { state: 'unlinked', outlookId: null, changeKey: null, remoteHash: null });
      store.audit({ trigger: o.trigger, direction: 'none', action: 'unlink', kind: action.kind, eventId: action.localId, outlookId: action.outlookId, summary: `deleted in Outlook: unlinked, not re-created until it changes in CaseFlow` });
      return;
    case 'link.drop':
      store.deleteLink(action.linkId);
      return;
    case 'conflict.record': {
      const id = store.recordConflict(action);
      store.updateLink(action.linkId, { state: 'paused' });
      store.audit({ trigger: o.trigger, direction: 'none', action: 'conflict', kind: 'event', eventId: action.localId, outlookId: action.outlookId, summary: `conflict ${id} recorded for review (protected category): ${action.caseflow.title}` });
      result.conflicts += 1;
      return;
    }
    default:
      return;
  }
}
