// Recognising our own creates among the Outlook events a round reports as new. A store restored
// from a backup made before its last run does not know the Outlook copies that run created; the
// round shows them as new Outlook events. Pulling them in would copy them into CaseFlow twice, and
// pushing the items again would duplicate them in Outlook. Our creates are known by their
// transactionId (derived from this store and the item, see mapping.ts), or, when Graph's answer
// does not carry it, by the tag, read by id for an event whose synced fields match an item
// waiting for its first push. Another store's events match neither: they stay ordinary Outlook
// events. See docs/identity.md.

import { possibleMasks } from './confidentiality.js';
import { comparable } from './content.js';
import { caseflowIdValue, transactionIdFor } from './mapping.js';
import type { Link, LocalItem, RemoteChange, RemoteEvent } from './model.js';
import { InvalidItemError, type AuditTrigger, type RemoteCalendar, type SyncStore } from './ports.js';

export interface ClaimOptions {
  storeId: string;
  store: SyncStore;
  calendar: RemoteCalendar;
  links: Link[];
  local: LocalItem[];
  changes: RemoteChange[];
  trigger: AuditTrigger;
}

export interface Candidate {
  item: LocalItem;
  link: Link | null;
  tag: string;
  /** transactionId -> generation, for every generation this item may have been created with. */
  transactionIds: Map<string, number>;
}

const key = (kind: string, id: number) => `${kind}:${id}`;

/** The masked title this copy of a confidential item carries instead of the real one, if it does. */
function maskIn(event: RemoteEvent, item: LocalItem): string | null {
  const title = event.content.title.trim();
  return item.confidential && title !== item.content.title.trim() && possibleMasks(item).includes(title) ? title : null;
}

const sameShape = (a: RemoteEvent, item: LocalItem) => {
  const masked = maskIn(a, item) !== null;
  return JSON.stringify(comparable(a.content, true, masked)) === JSON.stringify(comparable(item.content, true, masked));
};

/**
 * The round's new events that may be copies of our own creates: organised here, single, not
 * linked (`links` must include every link to the round's Outlook ids), and not known to carry no
 * transactionId.
 */
export function mayBeOwnCreates(changes: RemoteChange[], links: Link[]): RemoteEvent[] {
  const linked = new Set(links.flatMap((l) => (l.outlookId ? [l.outlookId] : [])));
  return changes.flatMap((c) =>
    c.kind === 'upsert' && !linked.has(c.event.id) && c.event.isOrganizer && c.event.type === 'singleInstance' && c.event.transactionId !== null ? [c.event] : [],
  );
}

/** Items whose Outlook copy this store does not know: never pushed, unconfirmed, or unlinked. */
function candidates(o: Pick<ClaimOptions, 'storeId' | 'links' | 'local' | 'changes'>): Candidate[] {
  const gone = new Set(o.changes.flatMap((c) => (c.kind === 'removed' && c.confirmation === 'deleted' ? [c.id] : [])));
  const byItem = new Map(o.links.map((l) => [key(l.kind, l.localId), l]));
  const out: Candidate[] = [];
  for (const item of o.local) {
    if (item.source !== 'caseflow' || item.recurring || item.readOnly) continue;
    const link = byItem.get(key(item.kind, item.id)) ?? null;
    // A linked item whose Outlook copy this round confirms deleted may have been created again
    // there by a run the store does not remember (a restored backup): its new copy is claimed.
    const copyGone = link?.outlookId != null && gone.has(link.outlookId);
    if (link && ((link.outlookId !== null && !copyGone) || link.role !== 'owner' || (link.itemUid !== null && link.itemUid !== item.uid))) continue;
    const transactionIds = new Map<string, number>();
    const top = (link?.generation ?? 0) + 1;
    for (let g = 0; g <= top; g += 1) transactionIds.set(transactionIdFor(o.storeId, item.kind, item.uid, g), g);
    if (link?.transactionId) transactionIds.set(link.transactionId, link.generation);
    out.push({ item, link, tag: caseflowIdValue(o.storeId, item.kind, item.uid), transactionIds });
  }
  return out;
}

export interface Claim {
  candidate: Candidate;
  event: RemoteEvent;
}

/** The Outlook copies of our own creates among the round's new events. Writes nothing. */
export async function findOwnCreates(o: Omit<ClaimOptions, 'trigger'>): Promise<Claim[]> {
  const fresh = mayBeOwnCreates(o.changes, o.links);
  if (fresh.length === 0) return [];
  const open = candidates(o);
  if (open.length === 0) return [];
  const byTransactionId = new Map<string, Candidate>();
  for (const c of open) for (const t of c.transactionIds.keys()) byTransactionId.set(t, c);
  const taken = new Set<Candidate>();
  const claims: Claim[] = [];
  for (const event of fresh) {
    let found: Candidate | undefined;
    if (typeof event.transactionId === 'string') {
      found = byTransactionId.get(event.transactionId);
    } else {
      // Graph did not say: ask by tag, only for an item that looks like this event.
      for (const c of open) {
        if (taken.has(c) || !sameShape(event, c.item)) continue;
        const copy = await o.calendar.findByTag(c.tag).catch((error: unknown) => {
          if (error instanceof InvalidItemError) return null;
          throw error;
        });
        if (copy?.id === event.id) {
          found = c;
          break;
        }
      }
    }
    if (!found || taken.has(found)) continue;
    taken.add(found);
    claims.push({ candidate: found, event });
  }
  return claims;
}

/**
 * The link a claim makes. Neither side's last synced version is known: both count as changed, so
 * the plan settles them as a two-sided change (the same content: nothing; a protected event: a
 * conflict for review; otherwise Outlook's copy wins and CaseFlow's is kept in the audit). A task
 * or deadline is pushed again from CaseFlow.
 */
export function claimedLink(storeId: string, { candidate: c, event }: Claim): Omit<Link, 'id' | 'staff' | 'itemUid' | 'kind' | 'localId' | 'role'> {
  const generation = typeof event.transactionId === 'string' ? (c.transactionIds.get(event.transactionId) ?? c.link?.generation ?? 0) : (c.link?.generation ?? 0);
  return {
    state: 'linked',
    outlookId: event.id,
    transactionId: typeof event.transactionId === 'string' ? event.transactionId : transactionIdFor(storeId, c.item.kind, c.item.uid, generation),
    tag: c.tag,
    generation,
    localHash: null,
    remoteHash: null,
    changeKey: null,
    confidential: c.item.confidential,
    // What it was titled is not remembered either: a masked title is read as one, never as a retitle.
    titleMask: maskIn(event, c.item),
    iCalUId: event.iCalUId,
  };
}

/** Links the Outlook copies found to their items; returns how many. Writes links (and audit) only. */
export async function claimOwnCreates(o: ClaimOptions): Promise<number> {
  const claims = await findOwnCreates(o);
  for (const claim of claims) {
    const c = claim.candidate;
    const fields = claimedLink(o.storeId, claim);
    o.store.transaction(() => {
      if (c.link) o.store.updateLink(c.link.id, fields);
      else o.store.insertLink({ ...fields, kind: c.item.kind, localId: c.item.id, role: 'owner' });
      o.store.audit({
        trigger: o.trigger,
        direction: 'none',
        action: 'relink',
        kind: c.item.kind,
        eventId: c.item.id,
        outlookId: claim.event.id,
        summary: `found its Outlook copy, created earlier by this store (a store restored from a backup does not remember it): linked again, not created twice`,
      });
    });
  }
  return claims.length;
}
