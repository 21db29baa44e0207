// One user's mailbox: the primary calendar (the only one our tool may touch), a secondary one,
// and every write made through Graph or "as the user in Outlook". Every change bumps changeKey,
// lastModifiedDateTime and the mailbox sequence that delta rounds diff against.
import { GraphError, type CalendarRole, type EventFields, type ExtendedProperty, type StoredEvent, type User } from './model.js';
import { computeTimes, applyOnlineMeeting, completeFields } from './event-rules.js';
import { occurrenceAt, occurrencesBetween, type OccurrenceTimes } from './recurrence.js';
import { derivedChangeKey, newChangeKey, newEventIds, newICalUId, newKey, occurrenceIds, parseOccurrenceId, uuid } from '../random.js';
import type { EventInput } from './event-input.js';
import type { Malformation } from './malform.js';

export interface CreateMeta {
  calendar?: CalendarRole;
  transactionId?: string | null;
  extendedProperties?: ExtendedProperty[];
  organizer?: { name: string; address: string };
  iCalUId?: string;
  responseStatus?: { response: string; time: string };
}

export const notFound = () =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export class Mailbox {
  readonly events = new Map<string, StoredEvent>();
  private readonly ids = new Map<string, string>();
  seq = 0;
  deltaEpoch = 0;
  /** Events served malformed, by event key (a test's control; not persisted). */
  readonly malformed = new Map<string, Malformation>();
  readonly calendarIds: Record<CalendarRole, string> = {
    primary: `AAMkA${Buffer.from(uuid()).toString('base64url')}AAA=`,
    secondary: `AAMkA${Buffer.from(uuid()).toString('base64url')}AAB=`,
  };

  constructor(
    readonly user: User,
    readonly now: () => number,
    private readonly changed: () => void,
  ) {}

  /** Restores a persisted event (state file). */
  restore(ev: StoredEvent): void {
    this.events.set(ev.key, ev);
    this.ids.set(ev.id, ev.key);
    this.ids.set(ev.immutableId, ev.key);
  }

  touch(ev: StoredEvent): void {
    ev.changeKey = newChangeKey();
    ev.lastModifiedMs = this.now();
    ev.seq = ++this.seq;
    this.changed();
  }

  /** An event or occurrence by REST or immutable id (exact, case-sensitive); null when gone. */
  resolve(id: string): StoredEvent | null {
    const key = this.ids.get(id);
    const ev = key ? this.events.get(key) : undefined;
    if (ev && !ev.deleted) return ev;
    // A deleted exception may have been dropped by a series change: the plain occurrence is back.
    if (ev && ev.type !== 'exception') return null;
    const occ = parseOccurrenceId(id);
    const master = occ ? this.events.get(occ.masterKey) : undefined;
    if (!occ || !master || master.deleted || master.type !== 'seriesMaster') return null;
    if (master.cancelledOccurrences.includes(occ.originalStartMs)) return null;
    const times = occurrenceAt(master, occ.originalStartMs);
    return times ? this.occurrence(master, times) : null;
  }

  occurrence(master: StoredEvent, t: OccurrenceTimes): StoredEvent {
    const date = new Date(t.originalStartMs);
    const stamp =
      date.getUTCFullYear().toString(16).padStart(4, '0').toUpperCase() +
      (date.getUTCMonth() + 1).toString(16).padStart(2, '0').toUpperCase() +
      date.getUTCDate().toString(16).padStart(2, '0').toUpperCase();
    return {
      ...master,
      key: `occ:${master.key}:${t.originalStartMs}`,
      ...occurrenceIds(master.key, t.originalStartMs),
      type: 'occurrence',
      seriesMaster: { key: master.key, id: master.id, immutableId: master.immutableId },
      originalStartMs: t.originalStartMs,
      cancelledOccurrences: [],
      changeKey: derivedChangeKey(`${master.patternVersion}:${t.originalStartMs}`),
      iCalUId: master.iCalUId.slice(0, 32) + stamp + master.iCalUId.slice(40),
      fields: { ...master.fields, start: t.start, end: t.end, recurrence: null },
      startMs: t.startMs,
      endMs: t.endMs,
    };
  }

  create(input: EventInput, meta: CreateMeta = {}): StoredEvent {
    let fields = applyOnlineMeeting(completeFields(input.fields), null);
    const times = computeTimes(fields);
    const ids = newEventIds();
    const now = this.now();
    const ev: StoredEvent = {
      key: newKey(),
      ...ids,
      calendar: meta.calendar ?? 'primary',
      type: fields.recurrence ? 'seriesMaster' : 'singleInstance',
      seriesMaster: null,
      originalStartMs: null,
      cancelledOccurrences: [],
      patternVersion: newChangeKey(),
      changeKey: newChangeKey(),
      createdMs: now,
      lastModifiedMs: now,
      iCalUId: meta.iCalUId ?? newICalUId(),
      transactionId: meta.transactionId ?? null,
      isOrganizer: !meta.organizer,
      organizer: { emailAddress: meta.organizer ?? { name: this.user.name, address: this.user.email } },
      responseStatus: meta.responseStatus ?? { response: meta.organizer ? 'notResponded' : 'organizer', time: '0001-01-01T00:00:00Z' },
      isCancelled: false,
      fields,
      ...times,
      extendedProperties: meta.extendedProperties ?? [],
      deleted: false,
      seq: 0,
    };
    if (fields.recurrence && !fields.recurrence.range.recurrenceTimeZone) {
      fields = { ...fields, recurrence: { ...fields.recurrence, range: { ...fields.recurrence.range, recurrenceTimeZone: fields.start.timeZone } } };
      ev.fields = fields;
    }
    this.restore(ev);
    ev.seq = ++this.seq;
    this.changed();
    return ev;
  }

  /** Applies a PATCH; an occurrence becomes an exception. Returns the stored result. */
  update(target: StoredEvent, input: EventInput): StoredEvent {
    if (input.transactionId !== undefined && input.transactionId !== target.transactionId) {
      throw new GraphError(400, 'ErrorInvalidPropertyUpdateSentToServer', 'transactionId cannot be changed.');
    }
    if (target.type !== 'singleInstance' && target.type !== 'seriesMaster' && input.fields.recurrence) {
      throw new GraphError(400, 'ErrorInvalidRequest', 'An occurrence or exception cannot carry a recurrence.');
    }
    const merged = applyOnlineMeeting({ ...target.fields, ...input.fields }, target.fields);
    const times = computeTimes(merged);
    const ext = mergeExtended(target.extendedProperties, input.extendedProperties);
    if (target.type === 'occurrence') return this.makeException(target, merged, times, ext);
    const seriesChanged =
      target.type === 'seriesMaster' &&
      ['start', 'end', 'isAllDay', 'recurrence'].some((k) => k in input.fields);
    Object.assign(target, { fields: merged, ...times, extendedProperties: ext });
    if (target.type === 'singleInstance' || target.type === 'seriesMaster') {
      target.type = merged.recurrence ? 'seriesMaster' : 'singleInstance';
      target.patternVersion = newChangeKey();
    }
    if (seriesChanged) this.dropExceptions(target);
    this.touch(target);
    if (target.type === 'exception' && target.seriesMaster) this.touchKey(target.seriesMaster.key);
    return target;
  }

  private makeException(occ: StoredEvent, fields: EventFields, times: { startMs: number; endMs: number }, ext: ExtendedProperty[]): StoredEvent {
    const ex: StoredEvent = { ...occ, key: newKey(), type: 'exception', fields, ...times, extendedProperties: ext, createdMs: this.now() };
    this.restore(ex);
    this.touch(ex);
    if (occ.seriesMaster) this.touchKey(occ.seriesMaster.key);
    return ex;
  }

  delete(target: StoredEvent): void {
    if (target.type === 'occurrence' || target.type === 'exception') {
      const master = target.seriesMaster ? this.events.get(target.seriesMaster.key) : undefined;
      if (target.type === 'exception') this.markDeleted(target);
      if (master && target.originalStartMs !== null) {
        master.cancelledOccurrences.push(target.originalStartMs);
        this.touch(master);
      }
      return;
    }
    if (target.type === 'seriesMaster') this.dropExceptions(target);
    this.markDeleted(target);
  }

  private markDeleted(ev: StoredEvent): void {
    ev.deleted = true;
    this.touch(ev);
  }

  private touchKey(key: string): void {
    const ev = this.events.get(key);
    if (ev) this.touch(ev);
  }

  /** Outlook drops a series' exceptions when its time or pattern changes. */
  private dropExceptions(master: StoredEvent): void {
    for (const ex of this.exceptionsOf(master.key)) this.markDeleted(ex);
    master.cancelledOccurrences = [];
  }

  exceptionsOf(masterKey: string): StoredEvent[] {
    return [...this.events.values()].filter((e) => !e.deleted && e.type === 'exception' && e.seriesMaster?.key === masterKey);
  }

  /** Single instances and series masters of a calendar (what `GET /me/events` lists). */
  list(calendar: CalendarRole = 'primary'): StoredEvent[] {
    return [...this.events.values()].filter(
      (e) => !e.deleted && e.calendar === calendar && (e.type === 'singleInstance' || e.type === 'seriesMaster'),
    );
  }

  /** Every instance overlapping [fromMs, toMs): singles, live occurrences and exceptions. */
  instances(fromMs: number, toMs: number, calendar: CalendarRole = 'primary'): StoredEvent[] {
    const out: StoredEvent[] = [];
    const overlaps = (e: { startMs: number; endMs: number }) =>
      e.startMs < toMs && (e.endMs > fromMs || (e.endMs === e.startMs && e.startMs >= fromMs));
    for (const ev of this.events.values()) {
      if (ev.deleted || ev.calendar !== calendar) continue;
      if (ev.type === 'singleInstance' || ev.type === 'exception') {
        if (overlaps(ev)) out.push(ev);
      } else if (ev.type === 'seriesMaster') {
        const replaced = new Set([...ev.cancelledOccurrences, ...this.exceptionsOf(ev.key).map((x) => x.originalStartMs)]);
        for (const t of occurrencesBetween(ev, fromMs, toMs)) {
          if (!replaced.has(t.originalStartMs)) out.push(this.occurrence(ev, t));
        }
      }
    }
    return out;
  }

  findByTransactionId(transactionId: string): StoredEvent | undefined {
    // Deleted items keep their transactionId (they sit in Deleted Items), so a reuse still clashes.
    return [...this.events.values()].find((e) => e.transactionId === transactionId);
  }
}

function mergeExtended(current: ExtendedProperty[], updates: ExtendedProperty[] | undefined): ExtendedProperty[] {
  if (!updates) return current;
  const out = [...current];
  for (const u of updates) {
    const i = out.findIndex((p) => sameExtendedId(p.id, u.id));
    if (i >= 0) out[i] = u;
    else out.push(u);
  }
  return out;
}

/** Property ids compare case-insensitively on the type and GUID, exactly on the name. */
export function sameExtendedId(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^(\S+) (\{?[0-9a-f-]{36}\}?)/i, (_m, t: string, g: string) => `${t.toLowerCase()} ${g.toLowerCase().replace(/[{}]/g, '')}`);
  return norm(a.trim()) === norm(b.trim());
}
