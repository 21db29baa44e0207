// An in-memory Outlook calendar behind the RemoteCalendar port: small, and faithful where the
// engine relies on Graph (it passes the same contract suite as GraphCalendar over the simulator):
// every change moves the changeKey; a delta round reports what changed since its link, removals
// as bare `@removed`; an expired link is DeltaExpiredError; a transactionId is refused for good
// once used, even after its event is deleted; If-Match on a stale changeKey is refused; the tag
// finds the event created with it. Faults can be injected: failed or lost writes, throttling,
// replayed and duplicated delta entries, expiry, and a crash (an exception) at the Nth call.
// Series: a master (never in the delta or the calendar view, as Graph expands series) and its
// occurrences, thin in the delta; one edited becomes an exception; one deleted gives NO signal in
// the delta, as seen in Outlook (docs/graph.md#recurring-series): only `instances` tells.

import { fromGraphEvent, type GraphEventJson } from '../../src/sync/mapping.js';
import type { GraphEventPayload } from '../../src/sync/model.js';
import { DeltaExpiredError, type DeltaPage, type RemoteCalendar, type WriteHooks, type WriteOp, type WriteOutcome } from '../../src/sync/ports.js';
import { graphJson } from '../unit/sync/fixtures.js';

interface Stored {
  json: GraphEventJson;
  transactionId: string | null;
  tag: string | null;
  deleted: boolean;
  /** Deleted without a trace in the delta (a single occurrence of a series, as Outlook does). */
  silent?: boolean;
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
  /** Every call of the port, by name, in order (to count what a run asks Outlook). */
  readonly calls: string[] = [];
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

  /**
   * A series: its master carries `recurrence` (not expanded here: the caller says when each
   * occurrence is), each occurrence the master's fields and its own times and id.
   */
  userCreateSeries(
    fields: Partial<GraphEventJson> & Pick<GraphEventJson, 'subject' | 'start' | 'end'>,
    occurrences: Pick<GraphEventJson, 'start' | 'end'>[],
  ): { master: GraphEventJson; occurrences: GraphEventJson[] } {
    const recurrence = fields.recurrence ?? { pattern: { type: 'daily', interval: 1 }, range: { type: 'numbered', startDate: String(fields.start?.dateTime).slice(0, 10), numberOfOccurrences: occurrences.length } };
    const master = this.userCreate({ ...fields, type: 'seriesMaster', recurrence });
    const made = occurrences.map((times) => {
      const id = `M${++this.ids}`;
      const changeKey = this.newChangeKey();
      const { recurrence: _r, ...shared } = master;
      const json: GraphEventJson = { ...shared, ...times, id, type: 'occurrence', seriesMasterId: master.id, iCalUId: `ical-${id}`, changeKey, '@odata.etag': `W/"${changeKey}"` };
      const stored: Stored = { json, transactionId: null, tag: null, deleted: false, seq: 0 };
      this.touch(stored);
      this.events.set(id, stored);
      return structuredClone(json);
    });
    return { master, occurrences: made };
  }

  /** An edited occurrence becomes an exception (same id); an edited master changes its occurrences. */
  userEdit(id: string, patch: Partial<GraphEventJson>): void {
    const stored = this.events.get(id);
    if (!stored || stored.deleted) return;
    const changeKey = this.newChangeKey();
    const type = stored.json.type === 'occurrence' ? 'exception' : stored.json.type;
    stored.json = { ...stored.json, ...patch, id, type, changeKey, '@odata.etag': `W/"${changeKey}"` };
    this.touch(stored);
    if (stored.json.type === 'seriesMaster') {
      const { start: _s, end: _e, recurrence: _r, ...shared } = patch;
      for (const occ of this.seriesOf(id).filter((o) => o.json.type === 'occurrence')) {
        const key = this.newChangeKey();
        occ.json = { ...occ.json, ...shared, changeKey: key, '@odata.etag': `W/"${key}"` };
        this.touch(occ);
      }
    }
  }

  userDelete(id: string): void {
    const stored = this.events.get(id);
    if (!stored || stored.deleted) return;
    if (stored.json.type === 'occurrence' || stored.json.type === 'exception') return this.userDeleteOccurrence(id);
    if (stored.json.type === 'seriesMaster') return this.userDeleteSeries(id);
    stored.deleted = true;
    this.touch(stored);
  }

  /** One occurrence (or exception) deleted: gone, and the delta never says so. */
  userDeleteOccurrence(id: string): void {
    const stored = this.events.get(id);
    if (!stored || stored.deleted) return;
    stored.deleted = true;
    stored.silent = true;
  }

  /** The whole series deleted; `quiet`: not even its occurrences' removals reach the delta. */
  userDeleteSeries(masterId: string, options: { quiet?: boolean } = {}): void {
    const master = this.events.get(masterId);
    if (!master || master.deleted) return;
    master.deleted = true;
    this.touch(master);
    for (const occ of this.seriesOf(masterId)) {
      occ.deleted = true;
      if (options.quiet) occ.silent = true;
      else this.touch(occ);
    }
  }

  private seriesOf(masterId: string): Stored[] {
    return [...this.events.values()].filter((s) => !s.deleted && s.json.seriesMasterId === masterId && s.json.type !== 'seriesMaster');
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

  /** What the delta says of these ids: masters never, silent deletions never, occurrences thin. */
  private entries(ids: string[], startUtc: string, endUtc: string): GraphEventJson[] {
    return ids.flatMap((id) => {
      const s = this.events.get(id)!;
      if (s.json.type === 'seriesMaster' || (s.deleted && s.silent)) return [];
      if (s.deleted || !this.inWindow(s.json, startUtc, endUtc)) return [{ id, '@removed': { reason: 'deleted' } } as GraphEventJson];
      const { json } = s;
      if (json.type !== 'occurrence') return [structuredClone(json)];
      return [structuredClone({ id, type: json.type, seriesMasterId: json.seriesMasterId, start: json.start, end: json.end, '@odata.etag': json['@odata.etag'] })];
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
    this.calls.push('deltaStart');
    this.clock.tick();
    this.readSeq = this.seq;
    this.rounds += 1;
    const ids = [...this.events.entries()].filter(([, s]) => !s.deleted && this.inWindow(s.json, startUtc, endUtc)).map(([id]) => id);
    return this.pages(this.entries(ids, startUtc, endUtc), startUtc, endUtc, pageSize, 0);
  }

  async deltaNext(link: string, pageSize: number): Promise<DeltaPage> {
    this.calls.push('deltaNext');
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
    this.calls.push('getEvent');
    this.clock.tick();
    const s = this.events.get(id);
    return s && !s.deleted ? structuredClone(s.json) : null;
  }

  async findByTag(tag: string): Promise<GraphEventJson | null> {
    this.calls.push('findByTag');
    this.clock.tick();
    const s = [...this.events.values()].find((e) => !e.deleted && e.tag === tag);
    return s ? structuredClone(s.json) : null;
  }

  async calendarView(startUtc: string, endUtc: string): Promise<GraphEventJson[]> {
    this.calls.push('calendarView');
    this.clock.tick();
    return this.live().filter((e) => e.type !== 'seriesMaster' && this.inWindow(e, startUtc, endUtc));
  }

  async instances(seriesMasterId: string, startUtc: string, endUtc: string): Promise<GraphEventJson[] | null> {
    this.calls.push('instances');
    this.clock.tick();
    const master = this.events.get(seriesMasterId);
    if (!master || master.deleted || master.json.type !== 'seriesMaster') return null;
    const start = (j: GraphEventJson) => fromGraphEvent(j, { inWindow: true }).content.start;
    return this.seriesOf(seriesMasterId)
      .map((s) => structuredClone(s.json))
      .filter((j) => this.inWindow(j, startUtc, endUtc))
      .sort((a, b) => (start(a) < start(b) ? -1 : start(a) > start(b) ? 1 : 0));
  }

  /** One op at a time: each is recorded just before it is sent and settled as soon as it is done. */
  async write(ops: WriteOp[], hooks: WriteHooks = {}): Promise<WriteOutcome[]> {
    this.calls.push('write');
    this.clock.tick();
    const out: WriteOutcome[] = [];
    for (const [i, op] of ops.entries()) {
      hooks.beforeSend?.([i]);
      const fault = this.faults.write?.(op, i);
      if (fault === 'fail') out.push({ status: 'failed', detail: '500 InjectedFailure' });
      else if (fault === 'throttle') out.push({ status: 'throttled', detail: '429 ApplicationThrottled' });
      else {
        const outcome = this.apply(op);
        out.push(fault === 'lose' ? { status: 'failed', detail: '504 GatewayTimeout' } : outcome);
      }
      this.writes.push({ op: structuredClone(op), outcome: out[out.length - 1]! });
      hooks.settled?.([{ index: i, outcome: out[i]! }]);
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
