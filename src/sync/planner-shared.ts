// What the planner's parts share: the draft being built and the action builders. Pure.

import { localHash, mergeRemoteIntoLocal, remoteHash } from './content.js';
import { titleMask, titleMasked, toGraphPayload } from './confidentiality.js';
import { caseflowIdValue, transactionIdFor } from './mapping.js';
import type {
  Action,
  ItemKind,
  Link,
  LocalItem,
  PlanInput,
  Policy,
  RemoteEvent,
  SkipReason,
  Skipped,
} from './model.js';

export interface Draft {
  input: PlanInput;
  actions: Action[];
  skipped: Skipped[];
  pendingLocal: number;
}

export function itemKey(kind: ItemKind, id: number): string {
  return `${kind}:${id}`;
}

export function kindEnabled(policy: Policy, kind: ItemKind): boolean {
  return kind === 'event' ? policy.events : kind === 'task' ? policy.tasks : policy.deadlines;
}

export function skip(d: Draft, reason: SkipReason, where: Omit<Skipped, 'reason'>): void {
  d.skipped.push({ reason, ...where });
}

/** Why a CaseFlow item may never be pushed, or null when it may. */
export function unpushable(item: LocalItem): SkipReason | null {
  if (item.recurring) return 'recurring-in-caseflow';
  if (item.readOnly) return 'read-only';
  return null;
}

/** Outlook's description must not overwrite CaseFlow's when either side treats it as confidential. */
export function guardsDescription(link: Link, item: LocalItem | undefined): boolean {
  return link.confidential || (item?.confidential ?? false);
}

/** Outlook's title must not overwrite CaseFlow's, nor be compared with it, when it is (or is to be) a mask. */
export function guardsTitle(d: Draft, link: Link, item: LocalItem | undefined): boolean {
  return titleMasked(link, item, d.input.policy.protectedTitle);
}

/**
 * The title a copy whose title is masked (guardsTitle) shows instead of the real one: null when it
 * shows the real one; undefined when its title is not masked (Outlook's title is then the title).
 */
export function shownMask(d: Draft, link: Link, item: LocalItem, event: RemoteEvent): string | null | undefined {
  if (!guardsTitle(d, link, item)) return undefined;
  const title = event.content.title.trim();
  return title === item.content.title.trim() ? null : title;
}

/** The title this item's Outlook copy gets instead of the real one under this plan's policy. */
export function maskOf(d: Draft, item: LocalItem): string | null {
  return titleMask(item, d.input.policy.protectedTitle);
}

export function pushCreate(
  d: Draft,
  item: LocalItem,
  link: Pick<Link, 'id' | 'generation' | 'transactionId' | 'tag'> | null,
  reason: 'new' | 'retry' | 'recreate',
): void {
  const generation = link === null ? 0 : reason === 'recreate' ? link.generation + 1 : link.generation;
  const transactionId =
    link !== null && reason === 'retry' ? link.transactionId : transactionIdFor(d.input.storeId, item.kind, item.uid, generation);
  // A retried create carries exactly what the first attempt carried.
  const tag = (reason === 'retry' ? link?.tag : null) ?? caseflowIdValue(d.input.storeId, item.kind, item.uid);
  d.actions.push({
    type: 'remote.create',
    reason,
    linkId: link?.id ?? null,
    staff: d.input.staff,
    kind: item.kind,
    localId: item.id,
    generation,
    transactionId,
    tag,
    confidential: item.confidential,
    titleMask: maskOf(d, item),
    content: item.content,
    payload: toGraphPayload(item, d.input.policy),
    localHash: localHash(item),
  });
}

export function pushUpdate(d: Draft, link: Link, item: LocalItem, ifMatch: string | null): void {
  d.actions.push({
    type: 'remote.update',
    linkId: link.id,
    kind: link.kind,
    localId: item.id,
    outlookId: link.outlookId ?? '',
    ifMatch: link.kind === 'event' ? ifMatch : null,
    confidential: item.confidential,
    titleMask: maskOf(d, item),
    content: item.content,
    payload: toGraphPayload(item, d.input.policy),
    localHash: localHash(item),
  });
}

export function pushDelete(d: Draft, link: Link, ifMatch: string | null): void {
  d.actions.push({
    type: 'remote.delete',
    linkId: link.id,
    kind: link.kind,
    localId: link.localId,
    outlookId: link.outlookId ?? '',
    ifMatch: link.kind === 'event' ? ifMatch : null,
  });
}

export function pullUpdate(d: Draft, link: Link, item: LocalItem, event: RemoteEvent, conflict: boolean): void {
  const shown = link.role === 'owner' ? shownMask(d, link, item, event) : undefined;
  d.actions.push({
    type: 'local.update',
    linkId: link.id,
    kind: 'event',
    localId: item.id,
    outlookId: event.id,
    event,
    content: mergeRemoteIntoLocal(item.content, event.content, guardsDescription(link, item), guardsTitle(d, link, item)),
    previous: item.content,
    conflict,
    remoteHash: remoteHash(event),
    changeKey: event.changeKey,
    // What the copy shows now: one that does not show the mask is retitled by the next push.
    ...(shown !== undefined ? { titleMask: shown } : {}),
  });
}

export function pullCreate(d: Draft, event: RemoteEvent, linkId: number | null): void {
  const recurring = event.type !== 'singleInstance';
  d.actions.push({
    type: 'local.create',
    linkId,
    staff: d.input.staff,
    event,
    content: event.content,
    role: event.isOrganizer ? 'owner' : 'attendee',
    readOnly: recurring,
    recurringInOutlook: recurring,
    remoteHash: remoteHash(event),
    changeKey: event.changeKey,
  });
}

export function refresh(
  d: Draft,
  link: Link,
  hashes: { localHash: string | null; remoteHash: string | null; changeKey: string | null; titleMask?: string | null },
  event?: RemoteEvent,
): void {
  d.actions.push({
    type: 'link.refresh',
    linkId: link.id,
    kind: link.kind,
    localId: link.localId,
    ...hashes,
    ...(event && link.kind === 'event' && event.joinUrl !== null ? { joinUrl: event.joinUrl } : {}),
  });
}

export function drop(d: Draft, link: Link): void {
  d.actions.push({ type: 'link.drop', linkId: link.id, kind: link.kind, localId: link.localId, outlookId: link.outlookId });
}

export function unlink(d: Draft, link: Link): void {
  d.actions.push({ type: 'link.unlink', linkId: link.id, kind: link.kind, localId: link.localId, outlookId: link.outlookId });
}
