// An in-memory model of both sides for the convergence property: a CaseFlow store, an Outlook
// calendar that behaves like Graph where it matters (every write returns a new changeKey, a delta
// reports what changed since the last committed round, transactionId dedupes creates, If-Match
// gives 412, a missing item gives 404), and an executor that applies the planner's actions the
// way the real one must.

import { localHash, remoteHash } from '../../../src/sync/content.js';
import { fromGraphEvent } from '../../../src/sync/mapping.js';
import { plan } from '../../../src/sync/planner.js';
import type { Action, ItemKind, Link, LocalItem, PlanResult, Policy, RemoteChange, RemoteEvent, SyncContent } from '../../../src/sync/model.js';
import { graphJson, policy as defaultPolicy, STAFF, STORE, uidOf } from './fixtures.js';

export interface LocalRec {
  kind: ItemKind;
  id: number;
  content: SyncContent;
  confidential: boolean;
  protected: boolean;
  readOnly: boolean;
  source: 'caseflow' | 'outlook';
}

export interface RoundOptions {
  policy?: Partial<Policy>;
  /** Replay the previous round's ids (current state) and duplicate every entry. */
  replay?: boolean;
  duplicate?: boolean;
  /** An Outlook edit that lands between reading the delta and writing (-> 412 on our update). */
  concurrent?: (w: World) => void;
  /**
   * The run dies at the Nth action. A create dies after Graph stored it but before we learnt its
   * id, or (`crashBeforeSend`) after the link row was written but before the POST left.
   */
  crashAt?: number;
  crashBeforeSend?: boolean;
}

export class World {
  local = new Map<string, LocalRec>();
  remote = new Map<string, RemoteEvent>();
  /** Extended property and transactionId Graph keeps for our creates. */
  tags = new Map<string, string>();
  txids = new Map<string, string>();
  links: Link[] = [];
  /** Remote ids changed since the last committed delta round. */
  pending = new Set<string>();
  lastRound: string[] = [];
  /** Task/deadline copies edited in Outlook since our last write (their edits are ignored). */
  taskEdited = new Set<string>();
  /** CaseFlow copies of meetings organised elsewhere edited in CaseFlow (never pushed). */
  attendeeEdited = new Set<number>();
  private seq = { local: 1, remote: 1, ck: 1, link: 1 };

  key(kind: ItemKind, id: number): string {
    return `${kind}:${id}`;
  }

  newChangeKey(): string {
    return `ck${this.seq.ck++}`;
  }

  addLocal(rec: Omit<LocalRec, 'id'>): LocalRec {
    const full = { ...rec, id: this.seq.local++ };
    this.local.set(this.key(full.kind, full.id), full);
    return full;
  }

  /** A user creating an event in Outlook. */
  addRemote(c: SyncContent, type: RemoteEvent['type'] = 'singleInstance', isOrganizer = true): RemoteEvent {
    const id = `R${this.seq.remote++}`;
    const ev: RemoteEvent = {
      id,
      changeKey: this.newChangeKey(),
      iCalUId: `uid-${id}`,
      type,
      seriesMasterId: type === 'singleInstance' ? null : 'SERIES',
      content: c,
      sensitivity: 'normal',
      isOrganizer,
      joinUrl: null,
      inWindow: true,
    };
    this.remote.set(id, ev);
    this.pending.add(id);
    return ev;
  }

  editRemote(id: string, change: (c: SyncContent) => SyncContent): void {
    const ev = this.remote.get(id);
    if (!ev) return;
    this.remote.set(id, { ...ev, content: change(ev.content), changeKey: this.newChangeKey() });
    this.pending.add(id);
    const link = this.links.find((l) => l.outlookId === id);
    if (link && link.kind !== 'event') this.taskEdited.add(id);
  }

  deleteRemote(id: string): void {
    if (this.remote.delete(id)) this.pending.add(id);
  }

  localItems(): LocalItem[] {
    return [...this.local.values()].map((r) => ({ ...r, uid: uidOf(r.kind, r.id), staff: STAFF, recurring: false, inWindow: true }));
  }

  /** One run: resolve unconfirmed creates, read the delta, plan, execute. */
  round(opts: RoundOptions = {}): PlanResult {
    this.resolveCreating();
    const ids = [...this.pending, ...(opts.replay ? this.lastRound : [])];
    let changes: RemoteChange[] = ids.map((id) => {
      const ev = this.remote.get(id);
      return ev ? { kind: 'upsert', event: ev } : { kind: 'removed', id, confirmation: 'deleted' };
    });
    if (opts.duplicate) changes = [...changes, ...changes];
    const roundIds = [...this.pending];
    this.pending.clear();
    opts.concurrent?.(this);
    const result = plan({
      staff: STAFF,
      storeId: STORE,
      links: this.links.map((l) => ({ ...l })),
      local: this.localItems(),
      remote: changes,
      knownICalUIds: new Map(),
      policy: { ...defaultPolicy({ maxDeletes: 10_000 }), ...opts.policy },
    });
    for (const [i, action] of result.actions.entries()) {
      if (opts.crashAt === i) {
        if (action.type === 'remote.create') this.execute(action, opts.crashBeforeSend ? 'beforeSend' : 'afterStore');
        // The round was not committed: its changes come again.
        for (const id of roundIds) this.pending.add(id);
        return result;
      }
      this.execute(action, 'none');
    }
    this.lastRound = roundIds;
    return result;
  }

  /** What the run does before planning: find unconfirmed creates by our extended property. */
  private resolveCreating(): void {
    for (const link of this.links) {
      if (link.state !== 'creating' || link.outlookId !== null) continue;
      const tag = link.tag;
      const found = [...this.tags].find(([id, value]) => value === tag && this.remote.has(id) && !this.links.some((l) => l.outlookId === id));
      if (!found) continue;
      const ev = this.remote.get(found[0])!;
      Object.assign(link, { outlookId: ev.id, state: 'linked', localHash: null, remoteHash: remoteHash(ev), changeKey: ev.changeKey, iCalUId: ev.iCalUId });
    }
  }

  private linkById(id: number | null): Link | undefined {
    return this.links.find((l) => l.id === id);
  }

  private dropLink(id: number): void {
    this.links = this.links.filter((l) => l.id !== id);
  }

  private writeRemote(id: string, action: Extract<Action, { type: 'remote.create' | 'remote.update' }>, old?: RemoteEvent): RemoteEvent {
    const base = { isOnlineMeeting: old?.content.teamsMeeting ?? false, iCalUId: old?.iCalUId ?? `uid-${id}` };
    const read = fromGraphEvent(graphJson(action.payload, id, this.newChangeKey(), base), { inWindow: true });
    const ev = old ? { ...read, type: old.type, seriesMasterId: old.seriesMasterId, isOrganizer: old.isOrganizer } : read;
    this.remote.set(id, ev);
    this.pending.add(id);
    this.taskEdited.delete(id);
    return ev;
  }

  execute(a: Action, crash: 'none' | 'beforeSend' | 'afterStore'): void {
    switch (a.type) {
      case 'remote.create': {
        let link = this.linkById(a.linkId);
        if (!link) {
          // The executor writes the link (state creating) before sending the POST.
          link = { id: this.seq.link++, staff: STAFF, kind: a.kind, localId: a.localId, itemUid: uidOf(a.kind, a.localId), tag: a.tag, outlookId: null, transactionId: a.transactionId, generation: a.generation, state: 'creating', role: 'owner', localHash: null, remoteHash: null, changeKey: null, confidential: a.confidential, iCalUId: null };
          this.links.push(link);
        }
        Object.assign(link, { state: 'creating', outlookId: null, transactionId: a.transactionId, tag: a.tag, generation: a.generation });
        if (crash === 'beforeSend') return;
        const existing = this.txids.get(a.transactionId);
        // Graph refuses a transactionId it has seen (ErrorDuplicateTransactionId); the executor
        // then looks for its event by our extended property. Gone (deleted in Outlook before we
        // learnt its id): the executor unlinks, and the planner decides (events: a new generation).
        if (existing !== undefined && !this.remote.has(existing)) {
          link.state = 'unlinked';
          return;
        }
        const id = existing ?? `R${this.seq.remote++}`;
        const ev = existing === id ? this.remote.get(id)! : this.writeRemote(id, a);
        this.txids.set(a.transactionId, id);
        this.tags.set(id, a.tag);
        if (crash === 'afterStore') return;
        Object.assign(link, { outlookId: id, state: 'linked', localHash: existing === id ? null : a.localHash, remoteHash: remoteHash(ev), changeKey: ev.changeKey, confidential: a.confidential, iCalUId: ev.iCalUId });
        return;
      }
      case 'remote.update': {
        const old = this.remote.get(a.outlookId);
        if (!old) return; // 404: the delta will report the deletion
        if (a.ifMatch !== null && a.ifMatch !== old.changeKey) return; // 412: conflict handling next round
        const ev = this.writeRemote(a.outlookId, a, old);
        Object.assign(this.linkById(a.linkId)!, { localHash: a.localHash, remoteHash: remoteHash(ev), changeKey: ev.changeKey, confidential: a.confidential });
        return;
      }
      case 'remote.delete': {
        const old = this.remote.get(a.outlookId);
        if (old && a.ifMatch !== null && a.ifMatch !== old.changeKey) return; // 412
        if (old) this.deleteRemote(a.outlookId);
        this.dropLink(a.linkId); // 404 counts as done
        return;
      }
      case 'local.create': {
        const rec = this.addLocal({ kind: 'event', content: a.content, confidential: false, protected: false, readOnly: a.readOnly, source: 'outlook' });
        const hashes = { localHash: localHash(rec), remoteHash: a.remoteHash, changeKey: a.changeKey };
        const link = this.linkById(a.linkId);
        if (link) Object.assign(link, { localId: rec.id, itemUid: uidOf('event', rec.id), ...hashes });
        else this.links.push({ id: this.seq.link++, staff: STAFF, kind: 'event', localId: rec.id, itemUid: uidOf('event', rec.id), tag: null, outlookId: a.event.id, transactionId: '', generation: 0, state: 'linked', role: a.role, confidential: false, iCalUId: a.event.iCalUId, ...hashes });
        return;
      }
      case 'local.update': {
        const rec = this.local.get(this.key('event', a.localId))!;
        rec.content = a.content;
        Object.assign(this.linkById(a.linkId)!, { localHash: localHash(rec), remoteHash: a.remoteHash, changeKey: a.changeKey });
        return;
      }
      case 'local.delete':
        this.local.delete(this.key('event', a.localId));
        this.dropLink(a.linkId);
        return;
      case 'link.refresh':
        Object.assign(this.linkById(a.linkId)!, { localHash: a.localHash, remoteHash: a.remoteHash, changeKey: a.changeKey });
        return;
      case 'link.unlink':
        Object.assign(this.linkById(a.linkId)!, { state: 'unlinked', outlookId: null });
        return;
      case 'link.drop':
        this.dropLink(a.linkId);
        return;
      case 'conflict.record':
        this.linkById(a.linkId)!.state = 'paused';
        return;
      case 'link.attendee':
        throw new Error('one staff member: no other staff events to link to');
    }
  }
}
