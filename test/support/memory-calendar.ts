// An in-memory Outlook calendar behind the RemoteCalendar port: small, and faithful where the
// engine relies on Graph (it passes the same contract suite as GraphCalendar over the simulator):
// every change moves the changeKey; a delta round reports what changed since its link, removals
// as bare `@removed`; an expired link is DeltaExpiredError; a transactionId is refused for good
// once used, even after its event is deleted; If-Match on a stale changeKey is refused; the tag
// finds the event created with it. Faults can be injected: failed or lost writes, throttling,
// replayed and duplicated delta entries, expiry, and a crash (an exception) at the Nth call.

import { fromGraphEvent, type GraphEventJson } from '../../src/sync/mapping.js';
import type { GraphEventPayload } from '../../src/sync/model.js';
import { DeltaExpiredError, type DeltaPage, type RemoteCalendar, type WriteOp, type WriteOutcome } from '../../src/sync/ports.js';
import { graphJson } from '../unit/sync/fixtures.js';

interface Stored {
  json: GraphEventJson;
  transactionId: string | null;
  tag: string | null;
  deleted: boolean;
  /** Sequence number of its last change. */
  seq: number;
}

/** Where this calendar's delta links point (links are opaque to the engine; only the origin counts). */
export const MEMORY_ORIGIN = 'https://memory.invalid';

export type WriteFault = 'fail' | 'lose' | 'throttle' | undefined;

export interface CalendarFaults {
  /** Decides each write's fate: `lose` = done in Outlook, but the answer never arrives. */
  write?: (op: WriteOp, index: number) => WriteFault;
  /** Every delta entry of a round comes twice. */
  duplicate?: boolean;
  /** Entries of the previous round come again. */
  replay?: boolean;
}

/** Thrown where a process would have died: nothing after it happens. */
export class Crash extends Error {
  constructor() {
    super('crash');
    this.name = 'Crash';
  }
}

/** Counts calls of both memory ports; throws Crash at the chosen one. */
export class CrashClock {
  private left: number | null = null;
  at(n: number | null): void {
    this.left = n;
  }
  tick(): void {
    if (this.left === null) return;
    if (this.left <= 0) {
      this.left = null;
      throw new Crash();
    }
    this.left -= 1;
  }
}

export class MemoryCalendar implements RemoteCalendar {
  readonly events = new Map<string, Stored>();
  /** Every payload ever sent to us, for "never in a payload" checks. */
  readonly payloads: GraphEventPayload[] = [];
  /** Every write op ever received, in order, with what became of it. */
  readonly writes: { op: WriteOp; outcome: WriteOutcome }[] = [];
  faults: CalendarFaults = {};
  /**
   * Writes that landed on a copy changed in Outlook after the last delta round was read: an edit
   * nobody compared was overwritten (or deleted). If-Match exists to make these impossible.
   */
  readonly blindWrites: { op: WriteOp; tag: string | null }[] = [];
  /** Sequence number when the last round was read. */
  private readSeq = 0;
  private usedTransactionIds = new Set<string>();
  private seq = 0;
  private ids = 0;
  private changeKeys = 0;
  /** Delta links of an older generation have expired. */
  private generation = 0;
  private lastRound: string[] = [];

  constructor(private readonly clock: CrashClock = new CrashClock()) {}

  private newChangeKey(): string {
    return `mck${++this.changeKeys}`;
  }

  private touch(stored: Stored): void {
    stored.seq = ++this.seq;
  }

  live(): GraphEventJson[] {
    return [...this.events.values()].filter((s) => !s.deleted).map((s) => structuredClone(s.json));
  }

  // ---- as the user in Outlook ----

  userCreate(fields: Partial<GraphEventJson> & Pick<GraphEventJson, 'subject' | 'start' | 'end'>): GraphEventJson {
    const id = `M${++this.ids}`;
    const changeKey = this.newChangeKey();
    const json: GraphEventJson = {
      isAllDay: false,
      body: { contentType: 'text', content: '' },
      location: { displayName: '' },
      attendees: [],
      sensitivity: 'normal',
      isOrganizer: true,
      type: 'singleInstance',
      iCalUId: `ical-${id}`,
      transactionId: null,
      ...fields,
      id,
      changeKey,
      '@odata.etag': `W/"${changeKey}"`,
    };
    const stored: Stored = { json, transactionId: null, tag: null, deleted: false, seq: 0 };
    this.touch(stored);
    this.events.set(id, stored);
    return structuredClone(json);
  }

  userEdit(id: string, patch: Partial<GraphEventJson>): void {
    const stored = this.events.get(id);
    if (!stored || stored.deleted) return;
    const changeKey = this.newChangeKey();
    stored.json = { ...stored.json, ...patch, id, changeKey, '@odata.etag': `W/"${changeKey}"` };
    this.touch(stored);
  }

  userDelete(id: string): void {
    const stored = this.events.get(id);
    if (!stored || stored.deleted) return;
    stored.deleted = true;
    this.touch(stored);
  }

  /** Delta state expires (Outlook gives no fixed lifetime). */
  expire(): void {
    this.generation += 1;
  }

  // ---- the port ----

  private inWindow(json: GraphEventJson, startUtc: string, endUtc: string): boolean {
    const c = fromGraphEvent(json, { inWindow: true }).content;
    if (c.allDay) return c.end >= startUtc.slice(0, 10) && c.start < endUtc.slice(0, 10);
    return c.end > startUtc && c.start < endUtc;
  }

  private link(kind: 'page' | 'delta', params: Record<string, string | number>): string {
    return `${MEMORY_ORIGIN}/${kind}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}`;
  }

  private entries(ids: string[], startUtc: string, endUtc: string): GraphEventJson[] {
    return ids.map((id) => {
      const s = this.events.get(id)!;
      return !s.deleted && this.inWindow(s.json, startUtc, endUtc) ? structuredClone(s.json) : ({ id, '@removed': { reason: 'deleted' } } as GraphEventJson);
    });
  }

  /** A whole round's entries as pages: the last carries the deltaLink. */
  private pages(entries: GraphEventJson[], startUtc: string, endUtc: string, pageSize: number, offset: number): DeltaPage {
    let all = entries;
    if (this.faults.replay) all = [...this.entries(this.lastRound.filter((id) => this.events.has(id)), startUtc, endUtc), ...all];
    if (this.faults.duplicate) all = [...all, ...all];
    const value = all.slice(offset, offset + pageSize);
    if (offset + pageSize < all.length) {
      this.pending = all;
      return { value, nextLink: this.link('page', { offset: offset + pageSize, startUtc, endUtc, pageSize, round: this.rounds }) };
    }
    this.lastRound = all.map((e) => e.id);
    return { value, deltaLink: this.link('delta', { since: this.seq, gen: this.generation, startUtc, endUtc }) };
  }

  private pending: GraphEventJson[] = [];
  private rounds = 0;

  async deltaStart(startUtc: string, endUtc: string, pageSize: number): Promise<DeltaPage> {
    this.clock.tick();
    this.readSeq = this.seq;
    this.rounds += 1;
    const ids = [...this.events.entries()].filter(([, s]) => !s.deleted && this.inWindow(s.json, startUtc, endUtc)).map(([id]) => id);
    return this.pages(this.entries(ids, startUtc, endUtc), startUtc, endUtc, pageSize, 0);
  }

  async deltaNext(link: string, pageSize: number): Promise<DeltaPage> {
    this.clock.tick();
    const url = new URL(link);
    const p = url.searchParams;
    const startUtc = p.get('startUtc')!;
    const endUtc = p.get('endUtc')!;
    if (url.pathname === '/page') {
      const offset = Number(p.get('offset'));
      const value = this.pending.slice(offset, offset + pageSize);
      if (offset + pageSize < this.pending.length) return { value, nextLink: this.link('page', { offset: offset + pageSize, startUtc, endUtc, pageSize, round: this.rounds }) };
      this.lastRound = this.pending.map((e) => e.id);
      return { value, deltaLink: this.link('delta', { since: this.seq, gen: this.generation, startUtc, endUtc }) };
    }
    if (Number(p.get('gen')) !== this.generation) throw new DeltaExpiredError('SyncStateNotFound');
    this.rounds += 1;
    this.readSeq = this.seq;
    const since = Number(p.get('since'));
    const ids = [...this.events.entries()].filter(([, s]) => s.seq > since).map(([id]) => id);
    return this.pages(this.entries(ids, startUtc, endUtc), startUtc, endUtc, pageSize, 0);
  }

  async getEvent(id: string): Promise<GraphEventJson | null> {
    this.clock.tick();
    const s = this.events.get(id);
    return s && !s.deleted ? structuredClone(s.json) : null;
  }

  async findByTag(tag: string): Promise<GraphEventJson | null> {
    this.clock.tick();
    const s = [...this.events.values()].find((e) => !e.deleted && e.tag === tag);
    return s ? structuredClone(s.json) : null;
  }

  async calendarView(startUtc: string, endUtc: string): Promise<GraphEventJson[]> {
    this.clock.tick();
    return this.live().filter((e) => this.inWindow(e, startUtc, endUtc));
  }

  async write(ops: WriteOp[]): Promise<WriteOutcome[]> {
    this.clock.tick();
    const out: WriteOutcome[] = [];
    for (const [i, op] of ops.entries()) {
      const fault = this.faults.write?.(op, i);
      if (fault === 'fail') out.push({ status: 'failed', detail: '500 InjectedFailure' });
      else if (fault === 'throttle') out.push({ status: 'throttled', detail: '429 ApplicationThrottled' });
      else {
        const outcome = this.apply(op);
        out.push(fault === 'lose' ? { status: 'failed', detail: '504 GatewayTimeout' } : outcome);
      }
      this.writes.push({ op: structuredClone(op), outcome: out[out.length - 1]! });
    }
    return out;
  }

  private apply(op: WriteOp): WriteOutcome {
    if (op.op !== 'delete') this.payloads.push(structuredClone(op.payload));
    if (op.op === 'create') {
      if (this.usedTransactionIds.has(op.transactionId)) return { status: 'duplicate' };
      this.usedTransactionIds.add(op.transactionId);
      const id = `M${++this.ids}`;
      const changeKey = this.newChangeKey();
      const json = { ...graphJson(op.payload, id, changeKey), changeKey, isOrganizer: true, transactionId: op.transactionId };
      const stored: Stored = { json, transactionId: op.transactionId, tag: op.tag, deleted: false, seq: 0 };
      this.touch(stored);
      this.events.set(id, stored);
      return { status: 'ok', event: structuredClone(json) };
    }
    const stored = this.events.get(op.id);
    if (!stored || stored.deleted) return { status: 'notFound' };
    if (op.ifMatch !== null && op.ifMatch !== stored.json.changeKey) return { status: 'preconditionFailed' };
    if (stored.seq > this.readSeq) this.blindWrites.push({ op: structuredClone(op), tag: stored.tag });
    if (op.op === 'delete') {
      stored.deleted = true;
      this.touch(stored);
      return { status: 'ok', event: null };
    }
    const base = stored.json;
    const changeKey = this.newChangeKey();
    const next = graphJson(op.payload, op.id, changeKey, { iCalUId: base.iCalUId ?? null, isOnlineMeeting: base.isOnlineMeeting ?? false });
    stored.json = { ...next, changeKey, type: base.type ?? 'singleInstance', seriesMasterId: base.seriesMasterId ?? null, isOrganizer: base.isOrganizer ?? true, transactionId: stored.transactionId };
    this.touch(stored);
    return { status: 'ok', event: structuredClone(stored.json) };
  }
}
