// The pure planner (no I/O, no clock, no randomness): link state + CaseFlow items + Outlook changes + policy -> actions.
// No I/O, no clock, no randomness; the same input always gives the same actions in the same
// order: existing links by id, then new CaseFlow items by (kind, id), then new Outlook events by id.
// The executor carries the actions out in that order.

import { remoteHash as remoteHashOf } from './content.js';
import type { Action, Breaker, LocalItem, PlanInput, PlanResult, RemoteChange, RemoteEvent, SkipReason } from './model.js';
import { planLink } from './planner-links.js';
import { type Draft, itemKey, kindEnabled, pullCreate, pushCreate, skip, unpushable } from './planner-shared.js';

/** The reasons of `PlanResult.skipped`, in a user's words (for `status`, `events show`, `plan`). */
export const SKIP_REASON_TEXT: Record<SkipReason, string> = {
  paused: 'an open conflict is waiting for review (conflicts resolve)',
  'recurring-in-caseflow': 'recurring events created in CaseFlow are not pushed to Outlook',
  'read-only': 'recurring in Microsoft 365: change it in Outlook',
  'toggle-off': 'this kind of item is switched off in prefs',
  'pull-off': 'Outlook changes are not pulled by this run',
  'outlook-edit-ignored': 'Outlook edits to tasks and deadlines are ignored',
  'series-master': 'recurring series are synced as their occurrences',
  'no-link-outlook-event': 'came from Outlook but is no longer linked: not pushed back',
  'already-linked': 'this meeting is already linked for this staff member',
  declined: 'an invitation this staff member declined',
  breaker: 'held back by the mass-deletion breaker (sync --allow-deletes)',
};

/** Duplicates and replays in a round: the last entry for an id wins (docs/graph.md#order-duplicates-and-replays). */
export function dedupeRemote(changes: readonly RemoteChange[]): Map<string, RemoteChange> {
  const byId = new Map<string, RemoteChange>();
  for (const change of changes) {
    const id = change.kind === 'upsert' ? change.event.id : change.id;
    byId.delete(id);
    byId.set(id, change);
  }
  return byId;
}

function byKindThenId(a: LocalItem, b: LocalItem): number {
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id - b.id;
}

export function plan(input: PlanInput): PlanResult {
  const d: Draft = { input, actions: [], skipped: [], pendingLocal: 0 };
  const remote = dedupeRemote(input.remote);
  const local = new Map(input.local.map((item) => [itemKey(item.kind, item.id), item]));
  const links = [...input.links].sort((a, b) => a.id - b.id);
  const linkedItems = new Set<string>();
  const linkedRemote = new Set<string>();

  for (const link of links) {
    const key = itemKey(link.kind, link.localId);
    // A link belongs to the very item it was made for. An item that only shares the id (a store
    // whose ids were reused before they were made permanent) is not that item: for this link the
    // item is gone, and the newcomer waits until the link is settled (it keeps the id taken).
    const candidate = local.get(key);
    const item = candidate && (link.itemUid === null || link.itemUid === candidate.uid) ? candidate : undefined;
    linkedItems.add(key);
    if (link.outlookId !== null) linkedRemote.add(link.outlookId);
    planLink(d, link, item, link.outlookId === null ? undefined : remote.get(link.outlookId));
  }

  for (const item of [...input.local].sort(byKindThenId)) {
    if (linkedItems.has(itemKey(item.kind, item.id))) continue;
    planNewLocal(d, item);
  }

  // Events this staff member stays linked to after this plan: a meeting is linked once.
  const dropped = new Set(d.actions.flatMap((a) => (a.type === 'link.drop' ? [a.linkId] : [])));
  const eventLinks = new Set(links.filter((l) => l.kind === 'event' && !dropped.has(l.id)).map((l) => l.localId));
  for (const id of [...remote.keys()].sort()) {
    if (linkedRemote.has(id)) continue;
    const change = remote.get(id);
    const event = change?.event;
    if (event) planNewRemote(d, event, eventLinks);
  }

  return applyBreaker(d);
}

function planNewLocal(d: Draft, item: LocalItem): void {
  // Only items in the sync window are pushed for the first time.
  if (!item.inWindow) return;
  const where = { kind: item.kind, localId: item.id };
  if (!kindEnabled(d.input.policy, item.kind)) return skip(d, 'toggle-off', where);
  const reason = unpushable(item);
  if (reason) return skip(d, reason, where);
  // An Outlook-born event without a link: pushing it would copy it into Outlook a second time.
  if (item.source === 'outlook') return skip(d, 'no-link-outlook-event', where);
  if (!d.input.policy.push) {
    d.pendingLocal += 1;
    return;
  }
  pushCreate(d, item, null, 'new');
}

function planNewRemote(d: Draft, event: RemoteEvent, eventLinks: Set<number>): void {
  if (!event.inWindow) return;
  const where = { kind: 'event' as const, outlookId: event.id };
  if (event.type === 'seriesMaster') return skip(d, 'series-master', where);
  if (event.declined) return skip(d, 'declined', where);
  if (!d.input.policy.events) return skip(d, 'toggle-off', where);
  if (!d.input.policy.pull) return skip(d, 'pull-off', where);
  const known = event.iCalUId === null ? undefined : d.input.knownICalUIds.get(event.iCalUId);
  if (known !== undefined && event.iCalUId !== null) {
    if (eventLinks.has(known)) return skip(d, 'already-linked', { ...where, localId: known });
    eventLinks.add(known);
    d.actions.push({
      type: 'link.attendee',
      staff: d.input.staff,
      localId: known,
      outlookId: event.id,
      iCalUId: event.iCalUId,
      remoteHash: remoteHashOf(event),
      changeKey: event.changeKey,
      ...(event.seriesMasterId ? { seriesMasterId: event.seriesMasterId, outlookType: event.type } : {}),
    });
    return;
  }
  pullCreate(d, event, null);
}

/** The mass-deletion breaker: more deletes than the limit on a side -> none on that side, and say so. */
function applyBreaker(d: Draft): PlanResult {
  const { maxDeletes, allowDeletes } = d.input.policy;
  const outlook = d.actions.filter((a) => a.type === 'remote.delete').length;
  const caseflow = d.actions.filter((a) => a.type === 'local.delete').length;
  const holdOutlook = !allowDeletes && outlook > maxDeletes;
  const holdCaseflow = !allowDeletes && caseflow > maxDeletes;
  if (!holdOutlook && !holdCaseflow) return { actions: d.actions, pendingLocal: d.pendingLocal, skipped: d.skipped };
  const held = (a: Action): boolean => (holdOutlook && a.type === 'remote.delete') || (holdCaseflow && a.type === 'local.delete');
  for (const a of d.actions) {
    if (a.type !== 'remote.delete' && a.type !== 'local.delete') continue;
    if (!held(a)) continue;
    skip(d, 'breaker', { kind: a.kind, localId: a.localId, outlookId: a.outlookId });
    if (a.type === 'remote.delete') d.pendingLocal += 1;
  }
  const breaker: Breaker = {
    side: holdOutlook && holdCaseflow ? 'both' : holdOutlook ? 'outlook' : 'caseflow',
    wouldDelete: (holdOutlook ? outlook : 0) + (holdCaseflow ? caseflow : 0),
    limit: maxDeletes,
    outlook,
    caseflow,
  };
  return { actions: d.actions.filter((a) => !held(a)), breaker, pendingLocal: d.pendingLocal, skipped: d.skipped };
}
