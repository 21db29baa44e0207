// An in-memory CaseFlow store behind the SyncStore port, for one staff member: small, and
// faithful where the engine relies on SQLite (it passes the same contract suite as
// SqliteSyncStore): a transaction that throws leaves nothing behind, ids are never reused, a link
// remembers the uid of the item it was made for, and what is outside the window is still read
// when it is linked. Crashes are injected through the CrashClock shared with MemoryCalendar.

import { randomBytes } from 'node:crypto';
import { localHash } from '../../src/sync/content.js';
import type { ConflictRecord, ItemKind, Link, LocalItem, RemoteEvent, SyncContent } from '../../src/sync/model.js';
import type { ItemRef, NewLink, SeriesFacts, SyncAudit, SyncStore, SyncWindow } from '../../src/sync/ports.js';
import { CrashClock } from './memory-calendar.js';

export interface MemoryItem {
  kind: ItemKind;
  id: number;
  uid: string;
  content: SyncContent;
  confidential: boolean;
  protected: boolean;
  /** An event's category name (the masked title in `category` mode); absent: none. */
  category?: string | null;
  recurring: boolean;
  readOnly: boolean;
  source: 'caseflow' | 'outlook';
  iCalUId: string | null;
  joinUrl: string | null;
}

export interface MemoryConflict {
  id: number;
  record: ConflictRecord;
  status: 'open' | 'resolved' | 'superseded';
  resolution: 'caseflow' | 'outlook' | null;
  by: string | null;
  supersededBy: number | null;
}

interface State {
  items: Map<string, MemoryItem>;
  links: (Link & { failCount: number; lastError: string | null })[];
  conflicts: MemoryConflict[];
  audit: SyncAudit[];
  overwrites: Overwrite[];
  seq: { item: number; link: number; conflict: number };
  series: Map<string, SeriesFacts>;
  seriesCheckedAt: string | null;
  /** CaseFlow's change log: every item written, in order (a change's number is its position + 1). */
  changes: ItemRef[];
}

const key = (kind: ItemKind, id: number) => `${kind}:${id}`;
const uid = () => randomBytes(16).toString('hex');

/** A CaseFlow version with edits no run had synced, written over or deleted by a run. */
export interface Overwrite {
  kind: ItemKind;
  id: number;
  protected: boolean;
  /** `attendee`: a meeting organised elsewhere, whose organiser's changes win by design. */
  role: Link['role'];
  lost: SyncContent;
}

export class MemorySyncStore implements SyncStore {
  private s: State = { items: new Map(), links: [], conflicts: [], audit: [], overwrites: [], seq: { item: 0, link: 0, conflict: 0 }, series: new Map(), seriesCheckedAt: null, changes: [] };
  /** CaseFlow's clock (move it with `later`). */
  private clockMs = Date.parse('2026-11-20T12:00:00.000Z');

  /** Every overwrite of unsynced CaseFlow edits that was committed (legitimate only when the audit keeps the version). */
  get overwrites(): Overwrite[] {
    return structuredClone(this.s.overwrites);
  }
  private depth = 0;
  connected = true;

  constructor(
    readonly staff: number = 7,
    private readonly clock: CrashClock = new CrashClock(),
  ) {}

  // ---- as a person using CaseFlow ----

  addItem(fields: Omit<MemoryItem, 'id' | 'uid' | 'iCalUId' | 'joinUrl' | 'recurring' | 'readOnly' | 'source'> & Partial<Pick<MemoryItem, 'recurring' | 'readOnly' | 'source'>>): MemoryItem {
    const item: MemoryItem = { recurring: false, readOnly: false, source: 'caseflow', iCalUId: null, joinUrl: null, ...fields, id: ++this.s.seq.item, uid: uid() };
    this.s.items.set(key(item.kind, item.id), item);
    this.changed(item.kind, item.id);
    return structuredClone(item);
  }

  editItem(kind: ItemKind, id: number, content: SyncContent): void {
    const item = this.s.items.get(key(kind, id));
    if (item) item.content = structuredClone(content);
    this.changed(kind, id);
  }

  removeItem(kind: ItemKind, id: number): void {
    this.s.items.delete(key(kind, id));
    this.changed(kind, id);
  }

  private changed(kind: ItemKind, id: number): void {
    this.s.changes.push({ kind, id });
  }

  items(): MemoryItem[] {
    return [...this.s.items.values()].map((i) => structuredClone(i));
  }

  /** Time passes in CaseFlow. */
  later(ms: number): void {
    this.clockMs += ms;
  }

  /** The series descriptions kept, by master id. */
  series(): Map<string, SeriesFacts> {
    return structuredClone(this.s.series);
  }

  conflicts(): MemoryConflict[] {
    return structuredClone(this.s.conflicts);
  }

  auditRows(): SyncAudit[] {
    return structuredClone(this.s.audit);
  }

  // ---- the port ----

  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    const before = structuredClone(this.s);
    this.depth += 1;
    try {
      return fn();
    } catch (error) {
      this.s = before;
      throw error;
    } finally {
      this.depth -= 1;
    }
  }

  private write(): void {
    this.clock.tick();
  }

  links(): Link[] {
    return this.s.links.map(({ failCount: _f, lastError: _e, ...l }) => structuredClone(l));
  }

  localItems(window: SyncWindow, links: Link[], only?: ItemRef[]): LocalItem[] {
    const linked = new Set(links.map((l) => key(l.kind, l.localId)));
    const wanted = only && new Set(only.map((r) => key(r.kind, r.id)));
    const overlaps = (c: SyncContent) => (c.allDay ? c.end >= window.startDate && c.start < window.endDate : c.end > window.startUtc && c.start < window.endUtc);
    const out: LocalItem[] = [];
    for (const i of this.s.items.values()) {
      const inWindow = overlaps(i.content);
      if (wanted && !wanted.has(key(i.kind, i.id))) continue;
      if (!inWindow && !linked.has(key(i.kind, i.id))) continue;
      out.push({ kind: i.kind, id: i.id, uid: i.uid, staff: this.staff, content: structuredClone(i.content), confidential: i.confidential, protected: i.protected, category: i.category ?? null, recurring: i.recurring, readOnly: i.readOnly, source: i.source, inWindow });
    }
    return out;
  }

  knownICalUIds(_iCalUIds: string[]): Map<string, number> {
    return new Map();
  }

  changeMark(): number {
    return this.s.changes.length;
  }

  changedSince(mark: number): ItemRef[] {
    return [...new Map(this.s.changes.slice(mark).map((r) => [key(r.kind, r.id), r])).values()];
  }

  openLinks(): Link[] {
    return this.links().filter((l) => l.state !== 'linked' || l.seriesMasterId !== null || this.failCount(l.id) > 0);
  }

  linksOf(items: ItemRef[]): Link[] {
    const wanted = new Set(items.map((r) => key(r.kind, r.id)));
    return this.links().filter((l) => wanted.has(key(l.kind, l.localId)));
  }

  linksByOutlookId(ids: string[]): Link[] {
    const wanted = new Set(ids);
    return this.links().filter((l) => l.outlookId !== null && wanted.has(l.outlookId));
  }

  insertLink(link: NewLink): number {
    this.write();
    if (this.s.links.some((l) => l.kind === link.kind && l.localId === link.localId)) throw new Error(`UNIQUE: a link for ${link.kind} ${link.localId} exists`);
    if (link.outlookId !== null && this.s.links.some((l) => l.outlookId === link.outlookId)) throw new Error(`UNIQUE: a link to ${link.outlookId} exists`);
    const id = ++this.s.seq.link;
    this.s.links.push({
      ...structuredClone(link),
      titleMask: link.titleMask ?? null,
      seriesMasterId: link.seriesMasterId ?? null,
      outlookType: link.outlookType ?? null,
      id,
      staff: this.staff,
      itemUid: this.s.items.get(key(link.kind, link.localId))?.uid ?? null,
      failCount: 0,
      lastError: null,
    });
    return id;
  }

  updateLink(id: number, changes: Partial<NewLink> & { failCount?: number; lastError?: string | null; syncedAt?: string }): void {
    this.write();
    const link = this.s.links.find((l) => l.id === id);
    if (!link) return;
    const { syncedAt: _at, ...rest } = changes;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    if (defined.outlookId !== undefined && defined.outlookId !== null && this.s.links.some((l) => l.id !== id && l.outlookId === defined.outlookId)) {
      throw new Error(`UNIQUE: a link to ${String(defined.outlookId)} exists`);
    }
    Object.assign(link, defined);
    if (changes.localId !== undefined) link.itemUid = this.s.items.get(key(link.kind, changes.localId))?.uid ?? null;
  }

  deleteLink(id: number): void {
    this.write();
    this.s.links = this.s.links.filter((l) => l.id !== id);
  }

  linkFailed(id: number, message: string): void {
    this.write();
    const link = this.s.links.find((l) => l.id === id);
    if (link) Object.assign(link, { failCount: link.failCount + 1, lastError: message });
  }

  failCount(id: number): number {
    return this.s.links.find((l) => l.id === id)?.failCount ?? 0;
  }

  createEvent(event: RemoteEvent, content: SyncContent, flags: { readOnly: boolean; recurringInOutlook: boolean }): { id: number; stored: SyncContent } {
    this.write();
    const item = this.addItem({ kind: 'event', content, confidential: false, protected: false, readOnly: flags.readOnly, source: 'outlook' });
    const stored = this.s.items.get(key('event', item.id))!;
    stored.iCalUId = event.iCalUId;
    stored.joinUrl = event.joinUrl;
    return { id: item.id, stored: structuredClone(stored.content) };
  }

  /** Notes it when the item's current version has edits its link has not synced. */
  private noteOverwrite(item: MemoryItem): void {
    const link = this.s.links.find((l) => l.kind === item.kind && l.localId === item.id);
    if (!link?.localHash || localHash(item) === link.localHash) return;
    this.s.overwrites.push({ kind: item.kind, id: item.id, protected: item.protected, role: link.role, lost: structuredClone(item.content) });
  }

  updateEvent(id: number, content: SyncContent, joinUrl: string | null | undefined): SyncContent | null {
    this.write();
    const item = this.s.items.get(key('event', id));
    if (!item) return null;
    this.noteOverwrite(item);
    item.content = structuredClone(content);
    this.changed('event', id);
    if (joinUrl !== undefined) item.joinUrl = joinUrl;
    return structuredClone(item.content);
  }

  setEventRemoteFacts(id: number, facts: { iCalUId?: string | null; joinUrl?: string | null }): void {
    this.write();
    const item = this.s.items.get(key('event', id));
    if (!item) return;
    this.changed('event', id);
    if (facts.iCalUId !== undefined) item.iCalUId = facts.iCalUId;
    if (facts.joinUrl !== undefined) item.joinUrl = facts.joinUrl;
  }

  deleteEvent(id: number): unknown {
    this.write();
    const item = this.s.items.get(key('event', id));
    if (item) this.noteOverwrite(item);
    this.s.items.delete(key('event', id));
    this.changed('event', id);
    return item ? structuredClone(item) : null;
  }

  addStaffAsAttendee(_eventId: number): void {
    this.write();
  }

  recordConflict(record: ConflictRecord): number {
    this.write();
    const id = ++this.s.seq.conflict;
    this.s.conflicts.push({ id, record: structuredClone(record), status: 'open', resolution: null, by: null, supersededBy: null });
    return id;
  }

  resolveConflict(id: number, keep: 'caseflow' | 'outlook', by: string): void {
    this.write();
    const c = this.s.conflicts.find((x) => x.id === id);
    if (c) Object.assign(c, { status: 'resolved', resolution: keep, by });
  }

  supersedeConflict(id: number, newId: number): void {
    this.write();
    const c = this.s.conflicts.find((x) => x.id === id);
    if (c) Object.assign(c, { status: 'superseded', supersededBy: newId });
  }

  audit(row: SyncAudit): void {
    this.s.audit.push(structuredClone(row));
  }

  currentContent(_kind: 'event', id: number): SyncContent | null {
    const item = this.s.items.get(key('event', id));
    return item ? structuredClone(item.content) : null;
  }

  stillConnected(): boolean {
    return this.connected;
  }

  now(): Date {
    return new Date(this.clockMs);
  }

  seriesCheckedAt(): string | null {
    return this.s.seriesCheckedAt;
  }

  setSeriesCheckedAt(at: string): void {
    this.write();
    this.s.seriesCheckedAt = at;
  }

  saveSeries(series: SeriesFacts): void {
    this.write();
    this.s.series.set(series.masterId, structuredClone(series));
  }

  deleteSeries(masterId: string): void {
    this.write();
    this.s.series.delete(masterId);
  }
}
