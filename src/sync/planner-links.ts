// The planner's decision for one existing link: push, pull, conflict or settle. Pure.
//
// Each side is classified first: CaseFlow `same | restyled | changed | deleted` (hash against the
// link, or the confidential flag differing from what was pushed; `restyled`: the content is as
// synced but its Outlook copy must be titled otherwise, `sync.protectedTitle` or the category
// having changed: pushed, never a CaseFlow edit in a conflict); Outlook `none | touched | changed |
// deleted` (`none`: no entry, a replay with the link's changeKey, or a removal that only left the
// window; `touched`: the changeKey moved but the synced fields hash as before, e.g. our own push
// echoing back). Then the table below. "No lost edit": deleted on one side while edited on the
// other, the edit wins and the item is re-created on the side that deleted it.

import { localHash, remoteHash, sameOnBothSides } from './content.js';
import type { Link, LocalItem, RemoteChange, RemoteEvent } from './model.js';
import {
  type Draft,
  drop,
  guardsDescription,
  guardsTitle,
  kindEnabled,
  maskOf,
  pullCreate,
  pullUpdate,
  pushCreate,
  pushDelete,
  pushUpdate,
  refresh,
  shownMask,
  skip,
  unlink,
  unpushable,
} from './planner-shared.js';

type LocalSide = { s: 'deleted' } | { s: 'same' | 'restyled'; item: LocalItem } | { s: 'changed'; item: LocalItem; hash: string };
type RemoteSide =
  | { s: 'none' }
  | { s: 'deleted' }
  | { s: 'touched' | 'changed'; event: RemoteEvent; hash: string };

function localSide(d: Draft, link: Link, item: LocalItem | undefined): LocalSide {
  if (!item) return { s: 'deleted' };
  const hash = localHash(item);
  if (hash !== link.localHash || item.confidential !== link.confidential) return { s: 'changed', item, hash };
  // An attendee's copy is never written: how we would title it does not matter.
  return link.role === 'owner' && maskOf(d, item) !== (link.titleMask ?? null) ? { s: 'restyled', item } : { s: 'same', item };
}

function remoteSide(link: Link, change: RemoteChange | undefined): RemoteSide {
  if (!change) return { s: 'none' };
  if (change.kind === 'removed' && change.confirmation === 'deleted') return { s: 'deleted' };
  // A removal Outlook confirms still exists only left the window: never a delete for leaving it.
  const event = change.event;
  if (!event) return { s: 'none' };
  if (link.changeKey !== null && event.changeKey === link.changeKey) return { s: 'none' };
  const hash = remoteHash(event);
  return { s: hash === link.remoteHash ? 'touched' : 'changed', event, hash };
}

/**
 * An update sent earlier whose answer never came (a body Graph cut short, a crash): if the round
 * shows the copy as that update made it, Outlook had stored it, and the link reads as if the
 * answer had come. The change is then our own echo, not an Outlook edit: the CaseFlow item is
 * compared with what was sent, so a CaseFlow edit made since goes out. Any other change is
 * Outlook's own, compared with the version synced before the update. A deletion says nothing of
 * whether the update was stored: the CaseFlow edit is kept and the copy made again (no lost edit).
 */
function answered(link: Link, change: RemoteChange | undefined): Link {
  if (!link.sentRemoteHash || !link.sentLocalHash || change?.kind !== 'upsert') return link;
  return remoteHash(change.event) === link.sentRemoteHash ? { ...link, localHash: link.sentLocalHash, remoteHash: link.sentRemoteHash } : link;
}

export function planLink(d: Draft, linkSeen: Link, item: LocalItem | undefined, change: RemoteChange | undefined): void {
  const link = answered(linkSeen, change);
  const where = { kind: link.kind, localId: link.localId, ...(link.outlookId ? { outlookId: link.outlookId } : {}) };
  if (link.state === 'paused') return skip(d, 'paused', where);
  if (!kindEnabled(d.input.policy, link.kind)) return skip(d, 'toggle-off', where);
  const local = localSide(d, link, item);
  if (link.state === 'unlinked') return planUnlinked(d, link, local);
  if (link.outlookId === null) return planUncreated(d, link, local);
  const remote = remoteSide(link, change);
  if (link.role === 'attendee') return planAttendee(d, link, local, remote);
  if (link.kind === 'event') return planTwoWay(d, link, local, remote);
  return planOneWay(d, link, local, remote);
}

/** Push, or count it pending when pushing is off or the item may never be pushed. */
function tryPush(d: Draft, link: Link, item: LocalItem, write: () => void): boolean {
  const reason = unpushable(item);
  if (reason) {
    skip(d, reason, { kind: item.kind, localId: item.id });
    return false;
  }
  if (!d.input.policy.push) {
    d.pendingLocal += 1;
    return false;
  }
  write();
  return true;
}

/** A create was sent but never confirmed: send it again with the SAME transactionId. */
function planUncreated(d: Draft, link: Link, local: LocalSide): void {
  if (local.s === 'deleted') return drop(d, link);
  tryPush(d, link, local.item, () => pushCreate(d, local.item, link, 'retry'));
}

/**
 * The Outlook copy is gone. A task or deadline is re-created only once it changes in CaseFlow
 * An event is only ever unlinked when its CaseFlow edit already won over the Outlook
 * deletion in a run that could not push: it is re-created at the next push, whatever happens to it.
 */
function planUnlinked(d: Draft, link: Link, local: LocalSide): void {
  if (local.s === 'deleted') return drop(d, link);
  if (link.kind !== 'event' && (local.s !== 'changed' || !local.item.inWindow)) return;
  tryPush(d, link, local.item, () => pushCreate(d, local.item, link, 'recreate'));
}

/** The Outlook copy was deleted while the CaseFlow item was edited: re-create it there. */
function recreateRemote(d: Draft, link: Link, item: LocalItem): void {
  // Recurring in Outlook: Outlook is the authority, its deletion stands.
  if (item.readOnly && link.kind === 'event' && d.input.policy.pull) {
    d.actions.push({ type: 'local.delete', linkId: link.id, kind: 'event', localId: item.id, outlookId: link.outlookId ?? '' });
    return;
  }
  // Made recurring in CaseFlow since its push: it may not go out again, so it stops syncing.
  if (unpushable(item)) return drop(d, link);
  if (d.input.policy.push) return pushCreate(d, item, link, 'recreate');
  // Remember the deletion: the unlinked link is re-created at the next run that pushes.
  unlink(d, link);
  d.pendingLocal += 1;
}

function planTwoWay(d: Draft, link: Link, localSeen: LocalSide, remote: RemoteSide): void {
  let local = localSeen;
  const pull = d.input.policy.pull;
  const where = { kind: link.kind, localId: link.localId, outlookId: link.outlookId ?? '' };
  if (local.s === 'deleted') {
    if (remote.s === 'deleted') return drop(d, link);
    if (remote.s === 'changed') return pull ? pullCreate(d, remote.event, link.id) : skip(d, 'pull-off', where);
    if (!d.input.policy.push) {
      d.pendingLocal += 1;
      // Keep the changeKey current, or the delete sent later would fail If-Match for good.
      if (remote.s === 'touched') refresh(d, link, { localHash: link.localHash, remoteHash: remote.hash, changeKey: remote.event.changeKey }, remote.event);
      return;
    }
    return pushDelete(d, link, remote.s === 'touched' ? remote.event.changeKey : link.changeKey);
  }
  const item = local.item;
  if (remote.s === 'deleted') {
    if (local.s === 'changed') return recreateRemote(d, link, item);
    return pull ? void d.actions.push({ type: 'local.delete', linkId: link.id, kind: 'event', localId: item.id, outlookId: link.outlookId ?? '' }) : skip(d, 'pull-off', where);
  }
  if (remote.s === 'none') {
    if (local.s !== 'same') tryPush(d, link, item, () => pushUpdate(d, link, item, link.changeKey));
    return;
  }
  const { event, hash } = remote;
  const newRemote = { remoteHash: hash, changeKey: event.changeKey };
  // A masked copy retitled in Outlook: the title stays CaseFlow's and the copy gets the mask back.
  const shown = shownMask(d, link, item, event);
  if (local.s === 'same' && shown !== undefined && shown !== maskOf(d, item)) local = { s: 'restyled', item };
  // The link learns the copy's new version, and what title it shows (a run that cannot push it
  // back leaves that to the next one).
  const settle = (localHash: string | null) => refresh(d, link, { localHash, ...newRemote, ...(shown !== undefined ? { titleMask: shown } : {}) }, event);
  if (remote.s === 'touched') {
    if (local.s === 'same') return settle(link.localHash);
    if (!tryPush(d, link, item, () => pushUpdate(d, link, item, event.changeKey))) settle(link.localHash);
    return;
  }
  const guard = guardsDescription(link, item);
  const same = sameOnBothSides(item.content, event.content, guard, guardsTitle(d, link, item));
  if (local.s === 'same' || (local.s === 'restyled' && !same)) {
    if (same) return settle(link.localHash);
    // Restyled: Outlook's edit comes in first; the link records the title the copy shows, so the
    // next run that pushes retitles it.
    return pull ? pullUpdate(d, link, item, event, false) : skip(d, 'pull-off', where);
  }
  // Changed on both sides: the same edit is nothing; protected is a conflict; else Outlook wins.
  const mask = maskOf(d, item);
  const styled = item.confidential === link.confidential && mask === (link.titleMask ?? null) && (shown === undefined || shown === mask);
  if (same && styled) return settle(local.s === 'changed' ? local.hash : link.localHash);
  if (same) {
    // Same edit, but the item became (or stopped being) confidential, or its copy is to be titled
    // otherwise: the Outlook copy must follow.
    if (!tryPush(d, link, item, () => pushUpdate(d, link, item, event.changeKey))) settle(link.localHash);
    return;
  }
  if (item.protected && !item.readOnly) {
    d.actions.push({ type: 'conflict.record', linkId: link.id, localId: item.id, outlookId: event.id, caseflow: item.content, outlook: event.content, changeKey: event.changeKey });
    return;
  }
  if (!pull) return skip(d, 'pull-off', where);
  pullUpdate(d, link, item, event, true);
}

/** Tasks and deadlines: CaseFlow -> Outlook only; Outlook edits ignored, deletions unlink (§5, §8). */
function planOneWay(d: Draft, link: Link, local: LocalSide, remote: RemoteSide): void {
  if (local.s === 'deleted') {
    if (remote.s === 'deleted') return drop(d, link);
    if (!d.input.policy.push) {
      d.pendingLocal += 1;
      return;
    }
    return pushDelete(d, link, null);
  }
  if (remote.s === 'deleted') return local.s === 'changed' ? recreateRemote(d, link, local.item) : unlink(d, link);
  if (remote.s === 'changed') skip(d, 'outlook-edit-ignored', { kind: link.kind, localId: link.localId, outlookId: link.outlookId ?? '' });
  if (local.s !== 'same') return void tryPush(d, link, local.item, () => pushUpdate(d, link, local.item, null));
  // The echo of an update whose answer was lost: the link learns it was stored.
  if (remote.s === 'touched' && link.sentRemoteHash) refresh(d, link, { localHash: link.localHash, remoteHash: remote.hash, changeKey: remote.event.changeKey }, remote.event);
}

/**
 * This staff member's copy of a meeting organised elsewhere: pull-only, the organiser's edits win.
 * Nothing is ever written to this Outlook copy (deleting the CaseFlow event only drops the link:
 * a DELETE would silently remove the meeting without declining it). A CaseFlow event that exists
 * only because of this invitation (owned by this staff member) goes when the invitation goes;
 * another staff member's event is never deleted for it.
 */
function planAttendee(d: Draft, link: Link, local: LocalSide, remote: RemoteSide): void {
  if (local.s === 'deleted') return drop(d, link);
  const item = local.item;
  const ownHash = local.s === 'changed' ? local.hash : link.localHash;
  // Declined (the copy kept in their calendar): for this staff member it is as good as gone.
  const declined = (remote.s === 'changed' || remote.s === 'touched') && remote.event.declined;
  if (remote.s === 'deleted' || declined) {
    // Cancelled or removed by the organiser: the organiser wins, even over a CaseFlow edit.
    if (item.staff === link.staff && d.input.policy.pull) {
      d.actions.push({ type: 'local.delete', linkId: link.id, kind: 'event', localId: item.id, outlookId: link.outlookId ?? '' });
      return;
    }
    return drop(d, link);
  }
  if (remote.s === 'none') {
    if (local.s === 'changed') refresh(d, link, { localHash: ownHash, remoteHash: link.remoteHash, changeKey: link.changeKey });
    return;
  }
  const { event, hash } = remote;
  const newRemote = { remoteHash: hash, changeKey: event.changeKey };
  const differs = remote.s === 'changed' && !sameOnBothSides(item.content, event.content, guardsDescription(link, item), guardsTitle(d, link, item));
  // A meeting organised outside CaseFlow, whose only CaseFlow copy is this staff member's: the
  // organiser's edit wins even over a CaseFlow edit (kept in the audit as the version that lost).
  const ownCopy = item.staff === link.staff;
  if (differs && (local.s === 'same' || ownCopy)) {
    if (d.input.policy.pull) return pullUpdate(d, link, item, event, local.s === 'changed');
    return skip(d, 'pull-off', { kind: link.kind, localId: link.localId, outlookId: event.id });
  }
  // Same content, a change to fields we don't sync, or a colleague's meeting already newer in
  // CaseFlow (this invitation catches up): only the link learns the new versions.
  refresh(d, link, { localHash: ownHash, ...newRemote }, event);
}
