// One contract for every RemoteCalendar: GraphCalendar against the simulator, and MemoryCalendar.
// What the engine relies on, and nothing else (in the way vdirsyncer runs one storage test class
// against every backend).

import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { fromGraphEvent, type GraphEventJson } from '../../src/sync/mapping.js';
import type { GraphEventPayload } from '../../src/sync/model.js';
import { DeltaExpiredError, type RemoteCalendar, type SyncWindow, type WriteOp, type WriteOutcome } from '../../src/sync/ports.js';

export interface CalendarUnderTest {
  calendar: RemoteCalendar;
  /** As the user in Outlook; ids are the ones the calendar reports. */
  user: {
    create(subject: string, day: number): Promise<string>;
    edit(id: string, subject: string): Promise<void>;
    remove(id: string): Promise<void>;
    /** A daily series, 09:00-10:00 UTC from December `firstDay`, `count` times. */
    createSeries(subject: string, firstDay: number, count: number): Promise<{ masterId: string; occurrenceIds: string[] }>;
    /** One occurrence moved to 15:00-16:00 UTC on December `day` (it becomes an exception). */
    moveOccurrence(id: string, day: number): Promise<void>;
    /** One occurrence deleted (cancelled); the rest of the series stays. */
    removeOccurrence(id: string): Promise<void>;
    /** The whole series deleted. */
    removeSeries(masterId: string): Promise<void>;
  };
  expireDelta(): Promise<void>;
  close(): Promise<void>;
}

export const CONTRACT_WINDOW: SyncWindow = { startUtc: '2026-12-01T00:00:00.000Z', endUtc: '2027-01-01T00:00:00.000Z', startDate: '2026-12-01', endDate: '2027-01-01' };

export function payload(subject: string, day: number, over: Partial<GraphEventPayload> = {}): GraphEventPayload {
  const d = `2026-12-${String(day).padStart(2, '0')}`;
  return {
    subject,
    body: { contentType: 'text', content: `notes for ${subject}` },
    start: { dateTime: `${d}T09:00:00.0000000`, timeZone: 'UTC' },
    end: { dateTime: `${d}T10:00:00.0000000`, timeZone: 'UTC' },
    isAllDay: false,
    location: { displayName: 'Room 1' },
    attendees: [],
    sensitivity: 'normal',
    ...over,
  };
}

const tx = (n: number) => `0000000${n}-aaaa-4bbb-8ccc-${String(n).padStart(12, '0')}`;
const txid = (n: number) => `${String(n).padStart(8, '0')}-aaaa-4bbb-8ccc-${String(n).padStart(12, '0')}`;
const tag = (n: number) => `cfo1:${'a'.repeat(32)}:event:${String(n).padStart(32, '0')}`;

/** A whole delta round from its start or a saved link: every entry, and the link to keep. */
async function round(calendar: RemoteCalendar, from: string | null): Promise<{ entries: GraphEventJson[]; deltaLink: string }> {
  const entries: GraphEventJson[] = [];
  let page = from ? await calendar.deltaNext(from, 2) : await calendar.deltaStart(CONTRACT_WINDOW.startUtc, CONTRACT_WINDOW.endUtc, 2);
  for (let i = 0; i < 100; i += 1) {
    entries.push(...page.value);
    if (page.deltaLink) return { entries, deltaLink: page.deltaLink };
    page = await calendar.deltaNext(page.nextLink!, 2);
  }
  throw new Error('no deltaLink after 100 pages');
}

export function remoteCalendarContract(name: string, make: () => Promise<CalendarUnderTest>): void {
  describe(`RemoteCalendar contract: ${name}`, () => {
    let t: CalendarUnderTest;
    beforeEach(async () => {
      t = await make();
    });
    afterEach(async () => t.close());

    it('create answers ok with the event as Outlook holds it; the tag finds it; an unknown tag finds nothing', async () => {
      const [created] = await t.calendar.write([{ op: 'create', payload: payload('Hearing', 3), transactionId: tx(1), tag: tag(1) }]);
      expect(created).toMatchObject({ status: 'ok', event: { subject: 'Hearing' } });
      const event = created!.status === 'ok' ? created!.event! : null;
      const read = fromGraphEvent(event!, { inWindow: true });
      expect(read.content).toMatchObject({ title: 'Hearing', start: '2026-12-03T09:00:00.000Z', end: '2026-12-03T10:00:00.000Z', location: 'Room 1' });
      expect(read.changeKey).toEqual(expect.any(String));
      expect((await t.calendar.findByTag(tag(1)))?.id).toBe(event!.id);
      expect(await t.calendar.findByTag(tag(2))).toBeNull();
      expect((await t.calendar.getEvent(event!.id))?.subject).toBe('Hearing');
    });

    it('a transactionId is refused once used, even after its event is deleted', async () => {
      const [first] = await t.calendar.write([{ op: 'create', payload: payload('A', 3), transactionId: tx(2), tag: tag(2) }]);
      const id = first!.status === 'ok' ? first!.event!.id : '';
      expect(await t.calendar.write([{ op: 'create', payload: payload('A again', 4), transactionId: tx(2), tag: tag(3) }])).toEqual([{ status: 'duplicate' }]);
      await t.calendar.write([{ op: 'delete', id, ifMatch: null }]);
      expect(await t.calendar.write([{ op: 'create', payload: payload('A', 3), transactionId: tx(2), tag: tag(2) }])).toEqual([{ status: 'duplicate' }]);
      expect(await t.calendar.findByTag(tag(2))).toBeNull();
    });

    it('update with the current changeKey is ok and moves it; a stale one is refused and writes nothing', async () => {
      const [c] = await t.calendar.write([{ op: 'create', payload: payload('B', 5), transactionId: tx(3), tag: tag(4) }]);
      const ev = fromGraphEvent(c!.status === 'ok' ? c!.event! : ({} as GraphEventJson), { inWindow: true });
      const [u] = await t.calendar.write([{ op: 'update', id: ev.id, payload: payload('B moved', 6), ifMatch: ev.changeKey }]);
      expect(u).toMatchObject({ status: 'ok', event: { subject: 'B moved' } });
      const after = fromGraphEvent(u!.status === 'ok' ? u!.event! : ({} as GraphEventJson), { inWindow: true });
      expect(after.changeKey).not.toBe(ev.changeKey);
      expect(await t.calendar.write([{ op: 'update', id: ev.id, payload: payload('B stale', 7), ifMatch: ev.changeKey }])).toEqual([{ status: 'preconditionFailed' }]);
      expect(await t.calendar.write([{ op: 'delete', id: ev.id, ifMatch: ev.changeKey }])).toEqual([{ status: 'preconditionFailed' }]);
      expect((await t.calendar.getEvent(ev.id))?.subject).toBe('B moved');
      // An edit in Outlook moves it too.
      await t.user.edit(ev.id, 'B (Outlook)');
      expect(await t.calendar.write([{ op: 'update', id: ev.id, payload: payload('B mine', 7), ifMatch: after.changeKey }])).toEqual([{ status: 'preconditionFailed' }]);
      expect((await t.calendar.getEvent(ev.id))?.subject).toBe('B (Outlook)');
    });

    it('a write names each op to its caller once before it goes out, then once with its outcome, the one it returns', async () => {
      const ops: WriteOp[] = Array.from({ length: 6 }, (_, i) => ({ op: 'create', payload: payload(`H${i}`, 1 + i), transactionId: txid(30 + i), tag: tag(30 + i) }));
      const seen: string[] = [];
      const told = new Map<number, WriteOutcome>();
      const outcomes = await t.calendar.write(ops, {
        beforeSend: (indices) => seen.push(...indices.map((i) => `send ${i}`)),
        settled: (done) => {
          for (const { index, outcome } of done) {
            seen.push(`done ${index}`);
            told.set(index, outcome);
          }
        },
      });
      expect(outcomes.map((o) => o.status)).toEqual(ops.map(() => 'ok'));
      for (const i of ops.keys()) {
        expect(seen.filter((x) => x === `send ${i}`)).toHaveLength(1);
        expect(seen.filter((x) => x === `done ${i}`)).toHaveLength(1);
        expect(seen.indexOf(`send ${i}`)).toBeLessThan(seen.indexOf(`done ${i}`));
      }
      expect([...told].sort((a, b) => a[0] - b[0]).map(([, o]) => o)).toEqual(outcomes);
    });

    it('ops whose beforeSend throws never reach Outlook, and the write fails with its error', async () => {
      const ops: WriteOp[] = [0, 1].map((i) => ({ op: 'create', payload: payload(`R${i}`, 3 + i), transactionId: txid(40 + i), tag: tag(40 + i) }));
      const refused = new Error('the store could not record them');
      await expect(t.calendar.write(ops, { beforeSend: (indices) => { if (indices.includes(1)) throw refused; } })).rejects.toBe(refused);
      expect(await t.calendar.findByTag(tag(41))).toBeNull();
    });

    it('a missing event: read is null, update and delete are not found; outcomes come in the order of the ops', async () => {
      const id = await t.user.create('C', 8);
      await t.user.remove(id);
      expect(await t.calendar.getEvent(id)).toBeNull();
      const outcomes = await t.calendar.write([
        { op: 'update', id, payload: payload('C', 8), ifMatch: null },
        { op: 'create', payload: payload('D', 9), transactionId: tx(4), tag: tag(5) },
        { op: 'delete', id, ifMatch: null },
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['notFound', 'ok', 'notFound']);
    });

    it('a delta round reports what exists, then what changed since its link: edits with a new changeKey, removals bare', async () => {
      const a = await t.user.create('Kept', 10);
      const b = await t.user.create('Edited', 11);
      const c = await t.user.create('Removed', 12);
      const first = await round(t.calendar, null);
      expect(first.entries.map((e) => e.subject).sort()).toEqual(['Edited', 'Kept', 'Removed']);
      const before = new Map(first.entries.map((e) => [e.id, fromGraphEvent(e, { inWindow: true }).changeKey]));
      await t.user.edit(b, 'Edited (Outlook)');
      await t.user.remove(c);
      const next = await round(t.calendar, first.deltaLink);
      const byId = new Map(next.entries.map((e) => [e.id, e]));
      expect(byId.get(b)?.subject).toBe('Edited (Outlook)');
      expect(fromGraphEvent(byId.get(b)!, { inWindow: true }).changeKey).not.toBe(before.get(b));
      expect(byId.get(c)).toMatchObject({ id: c, '@removed': expect.any(Object) });
      expect(byId.has(a)).toBe(false);
      // Nothing since: an empty round that still gives a link.
      const quiet = await round(t.calendar, next.deltaLink);
      expect(quiet.entries).toEqual([]);
      expect(quiet.deltaLink).toEqual(expect.any(String));
    });

    it('instances lists a series over a window, whole events of that series in order; none of the master', async () => {
      const { masterId, occurrenceIds } = await t.user.createSeries('Stand-up', 2, 12);
      const all = await t.calendar.instances(masterId, CONTRACT_WINDOW.startUtc, CONTRACT_WINDOW.endUtc);
      expect(all?.map((e) => e.id)).toEqual(occurrenceIds);
      for (const e of all!) expect(e).toMatchObject({ type: 'occurrence', seriesMasterId: masterId, subject: 'Stand-up' });
      expect(all!.map((e) => fromGraphEvent(e, { inWindow: true }).content.start)).toEqual(occurrenceIds.map((_, i) => `2026-12-${String(2 + i).padStart(2, '0')}T09:00:00.000Z`));
      // Part of the series: only what overlaps the window.
      const part = await t.calendar.instances(masterId, '2026-12-05T00:00:00.000Z', '2026-12-07T00:00:00.000Z');
      expect(part?.map((e) => e.id)).toEqual(occurrenceIds.slice(3, 5));
      expect((await t.calendar.getEvent(masterId))?.type).toBe('seriesMaster');
    });

    it('a deleted occurrence leaves no trace in the delta, as in Outlook: only instances (and a read by id) tell', async () => {
      const { masterId, occurrenceIds } = await t.user.createSeries('Review', 2, 3);
      const [first, second, third] = occurrenceIds as [string, string, string];
      const start = await round(t.calendar, null);
      expect(start.entries.filter((e) => e.seriesMasterId === masterId).map((e) => e.id).sort()).toEqual([...occurrenceIds].sort());
      await t.user.removeOccurrence(second);
      const next = await round(t.calendar, start.deltaLink);
      expect(next.entries.filter((e) => e.id === second)).toEqual([]);
      expect((await t.calendar.instances(masterId, CONTRACT_WINDOW.startUtc, CONTRACT_WINDOW.endUtc))?.map((e) => e.id)).toEqual([first, third]);
      expect(await t.calendar.getEvent(second)).toBeNull();
      // An exception deleted likewise.
      await t.user.moveOccurrence(third, 20);
      await t.user.removeOccurrence(third);
      expect((await t.calendar.instances(masterId, CONTRACT_WINDOW.startUtc, CONTRACT_WINDOW.endUtc))?.map((e) => e.id)).toEqual([first]);
    });

    it('a moved occurrence is listed where it now is, an exception with the same id', async () => {
      const { masterId, occurrenceIds } = await t.user.createSeries('Weekly', 2, 3);
      await t.user.moveOccurrence(occurrenceIds[1]!, 20);
      const listed = await t.calendar.instances(masterId, CONTRACT_WINDOW.startUtc, CONTRACT_WINDOW.endUtc);
      expect(listed?.map((e) => e.id)).toEqual([occurrenceIds[0], occurrenceIds[2], occurrenceIds[1]]);
      const moved = listed!.find((e) => e.id === occurrenceIds[1])!;
      expect(moved.type).toBe('exception');
      expect(fromGraphEvent(moved, { inWindow: true }).content.start).toBe('2026-12-20T15:00:00.000Z');
    });

    it('a deleted series: instances is null, its master and occurrences read as gone', async () => {
      const { masterId, occurrenceIds } = await t.user.createSeries('Gone', 2, 2);
      await t.user.removeSeries(masterId);
      expect(await t.calendar.instances(masterId, CONTRACT_WINDOW.startUtc, CONTRACT_WINDOW.endUtc)).toBeNull();
      expect(await t.calendar.getEvent(masterId)).toBeNull();
      for (const id of occurrenceIds) expect(await t.calendar.getEvent(id)).toBeNull();
    });

    it('an expired delta link is DeltaExpiredError; a new round starts over', async () => {
      await t.user.create('E', 13);
      const first = await round(t.calendar, null);
      await t.expireDelta();
      await expect(t.calendar.deltaNext(first.deltaLink, 2)).rejects.toBeInstanceOf(DeltaExpiredError);
      expect((await round(t.calendar, null)).entries.map((e) => e.subject)).toEqual(['E']);
    });
  });
}
