// One contract for every SyncStore: SqliteSyncStore on a real SQLite file, and MemorySyncStore.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Link, RemoteEvent, SyncContent } from '../../src/sync/model.js';
import type { NewLink, SyncStore, SyncWindow } from '../../src/sync/ports.js';

export const STORE_WINDOW: SyncWindow = { startUtc: '2026-12-01T00:00:00.000Z', endUtc: '2027-01-01T00:00:00.000Z', startDate: '2026-12-01', endDate: '2027-01-01' };

export interface StoreUnderTest {
  store: SyncStore;
  /** As a person in CaseFlow. `day` in December 2026; 40 means outside the window (January 9, 2027). */
  caseflow: {
    /** `protectedCategory`: in the protected category Motion. */
    addEvent(title: string, day: number, opts?: { protectedCategory?: boolean; matter?: boolean }): number;
    addTask(title: string, day: number): number;
    editEvent(id: number, title: string): void;
    deleteEvent(id: number): void;
    disconnect(): void;
  };
  close(): void;
}

const at = (day: number) => {
  const ms = Date.UTC(2026, 11, day, 9);
  return { start: new Date(ms).toISOString(), end: new Date(ms + 3_600_000).toISOString() };
};

const link = (over: Partial<NewLink> & Pick<NewLink, 'kind' | 'localId'>): NewLink => ({
  outlookId: null,
  transactionId: 'tx-1',
  tag: 'cfo1:tag',
  generation: 0,
  state: 'creating',
  role: 'owner',
  localHash: 'lh',
  remoteHash: 'rh',
  changeKey: null,
  confidential: false,
  iCalUId: null,
  ...over,
});

const remote = (id: string, title: string): { event: RemoteEvent; content: SyncContent } => {
  const content: SyncContent = { title, description: 'from Outlook', allDay: false, ...at(20), timeZone: 'UTC', location: '', attendees: [], teamsMeeting: false };
  return { content, event: { id, changeKey: 'ck', iCalUId: `ical-${id}`, type: 'singleInstance', seriesMasterId: null, content, sensitivity: 'normal', isOrganizer: true, joinUrl: null, inWindow: true } };
};

export function syncStoreContract(name: string, make: () => StoreUnderTest): void {
  describe(`SyncStore contract: ${name}`, () => {
    let t: StoreUnderTest;
    beforeEach(() => {
      t = make();
    });
    afterEach(() => t.close());

    it('lists items in the window, and outside it only when linked; each with a uid of its own', () => {
      const inside = t.caseflow.addEvent('Inside', 3);
      const outside = t.caseflow.addEvent('Outside', 40);
      const linkedOutside = t.caseflow.addEvent('Linked outside', 40);
      const task = t.caseflow.addTask('Brief', 4);
      t.store.insertLink(link({ kind: 'event', localId: linkedOutside }));
      const items = t.store.localItems(STORE_WINDOW, t.store.links());
      const byId = new Map(items.map((i) => [`${i.kind}:${i.id}`, i]));
      expect(byId.get(`event:${inside}`)).toMatchObject({ inWindow: true, content: { title: 'Inside' }, source: 'caseflow' });
      expect(byId.has(`event:${outside}`)).toBe(false);
      expect(byId.get(`event:${linkedOutside}`)).toMatchObject({ inWindow: false });
      expect(byId.get(`task:${task}`)).toMatchObject({ inWindow: true, content: { title: 'Task: Brief', allDay: true } });
      const uids = items.map((i) => i.uid);
      for (const uid of uids) expect(uid).toMatch(/^[0-9a-f]{32}$/);
      expect(new Set(uids).size).toBe(uids.length);
    });

    it('a matter or a protected category makes an event confidential; a protected one is marked protected', () => {
      const plain = t.caseflow.addEvent('Lunch', 3);
      const hearing = t.caseflow.addEvent('Hearing', 4, { protectedCategory: true });
      const matter = t.caseflow.addEvent('Prep', 5, { matter: true });
      const byId = new Map(t.store.localItems(STORE_WINDOW, []).map((i) => [i.id, i]));
      expect([byId.get(plain), byId.get(hearing), byId.get(matter)].map((i) => [i!.confidential, i!.protected])).toEqual([
        [false, false],
        [true, true],
        [true, false],
      ]);
      // The category's name is the masked title in sync.protectedTitle = category.
      expect([byId.get(plain), byId.get(hearing), byId.get(matter)].map((i) => i!.category)).toEqual([null, 'Motion', null]);
    });

    it('a link records the uid of the very item it is made for, and follows the item it is re-pointed to', () => {
      const a = t.caseflow.addEvent('A', 3);
      const b = t.caseflow.addEvent('B', 4);
      const uid = (id: number) => t.store.localItems(STORE_WINDOW, []).find((i) => i.id === id)!.uid;
      const id = t.store.insertLink(link({ kind: 'event', localId: a, tag: 'cfo1:x', transactionId: 'tx-9', generation: 2, iCalUId: 'ical-1' }));
      const [stored] = t.store.links();
      expect(stored).toMatchObject<Partial<Link>>({ id, kind: 'event', localId: a, itemUid: uid(a), tag: 'cfo1:x', transactionId: 'tx-9', generation: 2, state: 'creating', role: 'owner', localHash: 'lh', remoteHash: 'rh', changeKey: null, confidential: false, iCalUId: 'ical-1', outlookId: null });
      t.store.updateLink(id, { state: 'linked', outlookId: 'O1', changeKey: 'ck1' });
      expect(t.store.links()[0]).toMatchObject({ state: 'linked', outlookId: 'O1', changeKey: 'ck1', localHash: 'lh', tag: 'cfo1:x' });
      t.store.updateLink(id, { localId: b });
      expect(t.store.links()[0]).toMatchObject({ localId: b, itemUid: uid(b) });
      t.store.deleteLink(id);
      expect(t.store.links()).toEqual([]);
    });

    it('refuses a second link for one item, or two links to one Outlook event', () => {
      const a = t.caseflow.addEvent('A', 3);
      const b = t.caseflow.addEvent('B', 4);
      t.store.insertLink(link({ kind: 'event', localId: a, outlookId: 'O1', state: 'linked' }));
      expect(() => t.store.insertLink(link({ kind: 'event', localId: a }))).toThrow();
      expect(() => t.store.insertLink(link({ kind: 'event', localId: b, outlookId: 'O1', state: 'linked' }))).toThrow();
      expect(t.store.links()).toHaveLength(1);
    });

    it('a transaction that throws leaves nothing behind', () => {
      const a = t.caseflow.addEvent('A', 3);
      const { event, content } = remote('O7', 'From Outlook');
      expect(() =>
        t.store.transaction(() => {
          t.store.insertLink(link({ kind: 'event', localId: a }));
          t.store.createEvent(event, content, { readOnly: false, recurringInOutlook: false });
          throw new Error('crash');
        }),
      ).toThrow('crash');
      expect(t.store.links()).toEqual([]);
      expect(t.store.localItems(STORE_WINDOW, []).map((i) => i.content.title)).toEqual(['A']);
      expect(t.store.transaction(() => 42)).toBe(42);
    });

    it('events created from Outlook are Outlook-born, updatable and deletable; a deleted id is never handed out again', () => {
      const { event, content } = remote('O8', 'Dentist');
      const { id, stored } = t.store.createEvent(event, content, { readOnly: false, recurringInOutlook: false });
      expect(stored).toMatchObject({ title: 'Dentist', description: 'from Outlook' });
      expect(t.store.localItems(STORE_WINDOW, []).find((i) => i.id === id)).toMatchObject({ source: 'outlook', readOnly: false });
      expect(t.store.updateEvent(id, { ...content, title: 'Dentist (moved)' }, null)).toMatchObject({ title: 'Dentist (moved)' });
      expect(t.store.currentContent('event', id)).toMatchObject({ title: 'Dentist (moved)' });
      t.store.deleteEvent(id);
      expect(t.store.currentContent('event', id)).toBeNull();
      expect(t.store.updateEvent(id, content, null)).toBeNull();
      const again = t.store.createEvent(remote('O9', 'Next').event, remote('O9', 'Next').content, { readOnly: true, recurringInOutlook: true }).id;
      expect(again).toBeGreaterThan(id);
      expect(t.caseflow.addEvent('After', 6)).toBeGreaterThan(again);
    });

    it('what createEvent says it stored is what a read of the item gives, field by field', () => {
      const timed = remote('O10', '  Review  ');
      const withAttendees = { ...timed.content, description: 'line one  \r\nline two', location: 'Room 4', attendees: [{ email: 'bob@client.example', name: 'Bob', type: 'optional' as const }], teamsMeeting: true };
      const allDay = { ...remote('O11', 'Holiday').content, allDay: true, start: '2026-12-24', end: '2026-12-26' };
      for (const [id, content] of [['O10', withAttendees], ['O11', allDay]] as const) {
        const { id: localId, stored } = t.store.createEvent({ ...timed.event, id, content }, content, { readOnly: false, recurringInOutlook: false });
        const read = t.store.currentContent('event', localId)!;
        expect({ ...stored, attendees: stored.attendees.map(({ email, name, type }) => ({ email, name, type })) }).toEqual({ ...read, attendees: read.attendees.map(({ email, name, type }) => ({ email, name, type })) });
      }
    });

    it('a link keeps the title its Outlook copy was given instead of the real one; none reads as null', () => {
      const a = t.caseflow.addEvent('Masked', 3);
      const b = t.caseflow.addEvent('Plain', 4);
      const masked = t.store.insertLink(link({ kind: 'event', localId: a, outlookId: 'O1', state: 'linked', confidential: true, titleMask: 'Busy' }));
      t.store.insertLink(link({ kind: 'event', localId: b, outlookId: 'O2', state: 'linked' }));
      expect(t.store.links().map((l) => l.titleMask)).toEqual(['Busy', null]);
      t.store.updateLink(masked, { titleMask: 'Hearing' });
      expect(t.store.links()[0]!.titleMask).toBe('Hearing');
      t.store.updateLink(masked, { titleMask: null });
      expect(t.store.links()[0]!.titleMask).toBeNull();
    });

    it('a link keeps the series of an Outlook occurrence and what Outlook calls it; unknown reads as null', () => {
      const a = t.caseflow.addEvent('Occurrence', 3);
      const b = t.caseflow.addEvent('Single', 4);
      const occ = t.store.insertLink(link({ kind: 'event', localId: a, outlookId: 'O1', state: 'linked', seriesMasterId: 'MASTER', outlookType: 'occurrence' }));
      t.store.insertLink(link({ kind: 'event', localId: b, outlookId: 'O2', state: 'linked' }));
      expect(t.store.links().map((l) => [l.seriesMasterId, l.outlookType])).toEqual([['MASTER', 'occurrence'], [null, null]]);
      t.store.updateLink(occ, { outlookType: 'exception' });
      expect(t.store.links()[0]).toMatchObject({ seriesMasterId: 'MASTER', outlookType: 'exception' });
    });

    it('keeps when the series were last read (rolled back with its transaction), by its own clock', () => {
      expect(t.store.seriesCheckedAt()).toBeNull();
      expect(t.store.now()).toBeInstanceOf(Date);
      t.store.setSeriesCheckedAt('2026-11-20T12:00:00.000Z');
      expect(() =>
        t.store.transaction(() => {
          t.store.setSeriesCheckedAt('2026-11-20T13:00:00.000Z');
          t.store.saveSeries({ masterId: 'MASTER', recurrence: null, start: '2026-12-01', end: '2026-12-01', allDay: true, timeZone: 'UTC' });
          throw new Error('crash');
        }),
      ).toThrow('crash');
      expect(t.store.seriesCheckedAt()).toBe('2026-11-20T12:00:00.000Z');
    });

    it('logs every CaseFlow write: the items changed after a mark, each once, and a read of just those matches the whole read', () => {
      const kept = t.caseflow.addEvent('Kept', 3);
      const edited = t.caseflow.addEvent('Edited', 4);
      const gone = t.caseflow.addEvent('Gone', 5);
      const task = t.caseflow.addTask('Brief', 6);
      for (const [kind, localId, outlookId] of [['event', kept, 'AAA'], ['event', edited, 'BBB'], ['event', gone, 'CCC']] as const) {
        t.store.insertLink(link({ kind, localId, outlookId, state: 'linked', transactionId: `tx-${localId}` }));
      }
      const mark = t.store.changeMark();
      expect(t.store.changedSince(mark)).toEqual([]);
      t.caseflow.editEvent(edited, 'Edited again');
      t.caseflow.editEvent(edited, 'Edited a third time');
      t.caseflow.deleteEvent(gone);
      const changed = t.store.changedSince(mark);
      expect(changed.map((r) => `${r.kind}:${r.id}`).sort()).toEqual([`event:${edited}`, `event:${gone}`].sort());
      expect(t.store.changeMark()).toBeGreaterThan(mark);

      const links = t.store.linksOf(changed);
      expect(links.map((l) => l.localId).sort()).toEqual([edited, gone].sort());
      const whole = t.store.localItems(STORE_WINDOW, t.store.links());
      const some = t.store.localItems(STORE_WINDOW, links, changed);
      expect(some).toEqual(whole.filter((i) => changed.some((r) => r.kind === i.kind && r.id === i.id)));
      expect(some.map((i) => i.content.title)).toEqual(['Edited a third time']);
      expect(t.store.localItems(STORE_WINDOW, [], [{ kind: 'task', id: task }]).map((i) => i.id)).toEqual([task]);

      expect(t.store.linksByOutlookId(['BBB', 'ZZZ']).map((l) => l.localId)).toEqual([edited]);
      // Links every run looks at: not settled, failing, or of a series.
      expect(t.store.openLinks()).toEqual([]);
      const creating = t.store.insertLink(link({ kind: 'task', localId: task, transactionId: 'tx-task' }));
      const failing = t.store.linksByOutlookId(['AAA'])[0]!;
      t.store.linkFailed(failing.id, 'throttled');
      expect(t.store.openLinks().map((l) => l.id).sort()).toEqual([failing.id, creating].sort());
    });

    it('says whether the staff member is still connected', () => {
      expect(t.store.stillConnected()).toBe(true);
      t.caseflow.disconnect();
      expect(t.store.stillConnected()).toBe(false);
    });
  });
}
