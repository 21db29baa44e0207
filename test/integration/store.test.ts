import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit, recordAudit } from '../../src/store/audit.js';
import { listCategories } from '../../src/store/categories.js';
import { addContact, ownerOfEmail } from '../../src/store/contacts.js';
import { getEvent, insertEvent, listEvents, type EventInput } from '../../src/store/events.js';
import { getFirm, setFirm } from '../../src/store/firm.js';
import { addMatter } from '../../src/store/matters.js';
import { migrate, MIGRATIONS } from '../../src/store/migrations.js';
import { openStore, type Db } from '../../src/store/open.js';
import { addStaff } from '../../src/store/staff.js';
import { getSyncState, syncWindow, updateSyncState } from '../../src/store/sync-state.js';

let dir: string;
let db: Db;
const NOW = '2026-11-21T10:00:00.000Z';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cfo-store-'));
  db = openStore(join(dir, 'nested', 'store.db'), { now: () => new Date(NOW) });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function event(staffId: number, over: Partial<EventInput> = {}): EventInput {
  return {
    staffId,
    title: 'Hearing',
    description: 'privileged notes',
    allDay: false,
    start: '2026-12-01T09:00:00.000Z',
    end: '2026-12-01T10:00:00.000Z',
    timeZone: 'Europe/London',
    location: '',
    categoryId: null,
    matterId: null,
    teamsMeeting: false,
    recurrence: null,
    attendees: [],
    ...over,
  };
}

describe('store', () => {
  it('creates the file 0600 in a 0700 folder, in WAL mode with foreign keys on', () => {
    expect(statSync(join(dir, 'nested', 'store.db')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('records each migration once and does nothing when reopened', () => {
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number }[];
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrate(db, () => new Date(NOW))).toEqual([]);
  });

  it('rolls back a failing migration entirely', () => {
    const broken = [
      ...MIGRATIONS,
      { version: 99, name: 'broken', up: (d: Db) => { d.exec('CREATE TABLE half (x)'); throw new Error('boom'); } },
    ];
    expect(() => migrate(db, () => new Date(NOW), broken)).toThrow('boom');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare('SELECT version FROM schema_migrations WHERE version = 99').get()).toBeUndefined();
  });

  it('seeds the firm and the five default protected categories', () => {
    expect(getFirm(db)).toMatchObject({ plan: 'growth', outlookBeta: false, timeZone: 'UTC' });
    expect(listCategories(db).filter((c) => c.protected).map((c) => c.name).sort()).toEqual(
      ['Court Date', 'Deposition', 'Filing Deadline', 'Hearing', 'Statute of Limitations'],
    );
  });

  it('keeps timed events as UTC instants with their zone and all-day events as dates', () => {
    const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
    const timed = insertEvent(db, event(alice.id), NOW);
    const allDay = insertEvent(db, event(alice.id, { allDay: true, start: '2026-12-07', end: '2026-12-09' }), NOW);
    expect(getEvent(db, timed)).toMatchObject({ start: '2026-12-01T09:00:00.000Z', timeZone: 'Europe/London', allDay: false });
    expect(getEvent(db, allDay)).toMatchObject({ start: '2026-12-07', end: '2026-12-09', allDay: true });
    const raw = db.prepare('SELECT start_utc, start_date FROM events WHERE id = ?').get(allDay);
    expect(raw).toEqual({ start_utc: null, start_date: '2026-12-07' });
  });

  it('refuses an event whose end is before its start, or an unknown staff member', () => {
    const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
    expect(() => insertEvent(db, event(alice.id, { end: '2026-12-01T08:00:00.000Z' }), NOW)).toThrow(/CHECK constraint/);
    expect(() => insertEvent(db, event(999), NOW)).toThrow(/FOREIGN KEY/);
  });

  it('marks matter-linked and protected-category events confidential', () => {
    const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
    const matter = addMatter(db, 'Reyes v. Acme', [alice.id], NOW);
    const hearing = listCategories(db).find((c) => c.name === 'Hearing')!;
    const plain = insertEvent(db, event(alice.id), NOW);
    const linked = insertEvent(db, event(alice.id, { matterId: matter }), NOW);
    const prot = insertEvent(db, event(alice.id, { categoryId: hearing.id }), NOW);
    expect([plain, linked, prot].map((id) => getEvent(db, id)!.confidential)).toEqual([false, true, true]);
  });

  it('filters events by staff and by window, all-day ones by date', () => {
    const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
    const bob = addStaff(db, 'bob@firm.example', 'Bob', NOW);
    insertEvent(db, event(alice.id), NOW);
    insertEvent(db, event(bob.id, { start: '2026-12-05T09:00:00.000Z', end: '2026-12-05T10:00:00.000Z' }), NOW);
    insertEvent(db, event(alice.id, { allDay: true, start: '2026-12-07', end: '2026-12-09' }), NOW);
    expect(listEvents(db, { staffId: alice.id })).toHaveLength(2);
    const window = listEvents(db, { fromUtc: '2026-12-02T00:00:00.000Z', fromDate: '2026-12-02', toUtc: '2026-12-08T00:00:00.000Z', toDate: '2026-12-08' });
    expect(window.map((e) => e.start)).toEqual(['2026-12-05T09:00:00.000Z', '2026-12-07']);
  });

  it('matches an email to a staff member or to a contact by any of their emails', () => {
    addStaff(db, 'alice@firm.example', 'Alice', NOW);
    addContact(db, 'Dana Reyes', ['dana@client.example', 'dreyes@home.example'], NOW);
    expect(ownerOfEmail(db, 'ALICE@firm.example')).toMatchObject({ type: 'staff', name: 'Alice' });
    expect(ownerOfEmail(db, 'dreyes@home.example')).toMatchObject({ type: 'contact', name: 'Dana Reyes' });
    expect(ownerOfEmail(db, 'nobody@x.example')).toBeNull();
  });

  it('writes and reads audit rows newest first', () => {
    recordAudit(db, { staffId: null, staffEmail: null, trigger: 'cli', direction: 'none', action: 'a', kind: 'firm', summary: 'first' }, NOW);
    recordAudit(db, { staffId: null, staffEmail: null, trigger: 'scheduled', direction: 'outlook', action: 'create', kind: 'event', eventId: 3, outlookId: 'AAM=', summary: 'second' }, NOW);
    const rows = listAudit(db, { limit: 10 });
    expect(rows.map((r) => r.summary)).toEqual(['second', 'first']);
    expect(rows[0]).toMatchObject({ trigger: 'scheduled', direction: 'outlook', eventId: 3, outlookId: 'AAM=' });
    expect(() => recordAudit(db, { staffId: null, staffEmail: null, trigger: 'bogus' as never, direction: 'none', action: 'a', kind: 'x', summary: '' }, NOW)).toThrow(/CHECK/);
  });
});

describe('sync window', () => {
  it('starts at syncFrom and ends at least horizonDays ahead, moving in 30-day steps', () => {
    const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
    updateSyncState(db, alice.id, { syncFrom: '2026-11-21T00:00:00.000Z' });
    const ends = new Set<string>();
    for (let day = 0; day < 30; day += 1) {
      const w = syncWindow(db, alice, new Date(Date.UTC(2026, 10, 21 + day, 12)), 365);
      expect(w.startUtc).toBe('2026-11-21T00:00:00.000Z');
      const horizon = new Date(Date.UTC(2026, 10, 21 + day + 365)).toISOString().slice(0, 10);
      expect(w.endDate >= horizon).toBe(true);
      expect(Date.parse(w.endDate) - Date.parse(horizon)).toBeLessThan(30 * 86_400_000);
      ends.add(w.endDate);
    }
    // Thirty consecutive days see at most two different window ends (one full round a month).
    expect(ends.size).toBeLessThanOrEqual(2);
  });

  it('follows a syncFrom moved and a firm zone changed within the day', () => {
    const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
    const now = new Date(NOW);
    expect(syncWindow(db, alice, now, 365)).toMatchObject({ startUtc: '2026-11-21T00:00:00.000Z', startDate: '2026-11-21', endUtc: '2027-11-28T00:00:00.000Z' });
    updateSyncState(db, alice.id, { syncFrom: '2026-11-01T00:00:00.000Z' });
    expect(syncWindow(db, alice, now, 365)).toMatchObject({ startUtc: '2026-11-01T00:00:00.000Z', startDate: '2026-11-01' });
    setFirm(db, { timeZone: 'America/New_York' }, NOW);
    expect(syncWindow(db, alice, now, 365)).toMatchObject({ startUtc: '2026-11-01T00:00:00.000Z', startDate: '2026-10-31', endUtc: '2027-11-28T05:00:00.000Z' });
  });

  describe('kept for the day it was worked out on', () => {
    const kept = (id: number) => JSON.parse(getSyncState(db, id).windowCache ?? 'null') as { key: string; from: string; until: string; window: Record<string, string> } | null;
    /** A kept window no computation gives, so a call that returns it read the store. */
    const planted = { startUtc: '2020-01-01T00:00:00.000Z', endUtc: '2020-02-01T00:00:00.000Z', startDate: '2020-01-01', endDate: '2020-02-01' };
    const plant = (id: number) => updateSyncState(db, id, { windowCache: JSON.stringify({ ...kept(id)!, window: planted }) });

    it('is written with the bounds of that day in the firm zone (a 25-hour day at the end of summer time)', () => {
      setFirm(db, { timeZone: 'America/New_York' }, NOW);
      const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
      updateSyncState(db, alice.id, { syncFrom: '2026-10-01T04:00:00.000Z' });
      syncWindow(db, alice, new Date('2026-11-21T10:00:00.000Z'), 365);
      expect(kept(alice.id)).toBeNull(); // only a run remembers it
      const w = syncWindow(db, alice, new Date('2026-11-01T12:00:00.000Z'), 365, { remember: true });
      expect(kept(alice.id)).toMatchObject({ from: '2026-11-01T04:00:00.000Z', until: '2026-11-02T05:00:00.000Z', window: w });
    });

    it('is taken within that day, and worked out again from its next day, or under another zone, horizon or syncFrom', () => {
      const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
      updateSyncState(db, alice.id, { syncFrom: '2026-11-21T00:00:00.000Z' });
      const now = new Date(NOW);
      const real = syncWindow(db, alice, now, 365, { remember: true });
      plant(alice.id);
      expect(syncWindow(db, alice, new Date('2026-11-21T00:00:00.000Z'), 365)).toEqual(planted);
      expect(syncWindow(db, alice, new Date('2026-11-21T23:59:59.999Z'), 365)).toEqual(planted);
      expect(syncWindow(db, alice, new Date('2026-11-22T00:00:00.000Z'), 365)).toMatchObject({ startUtc: real.startUtc });
      expect(syncWindow(db, alice, new Date('2026-11-20T23:59:59.999Z'), 365)).toMatchObject({ startUtc: real.startUtc });
      expect(syncWindow(db, alice, now, 366)).toMatchObject({ startUtc: real.startUtc });
      setFirm(db, { timeZone: 'Europe/London' }, NOW);
      expect(syncWindow(db, alice, now, 365)).toMatchObject({ startUtc: real.startUtc });
      setFirm(db, { timeZone: 'UTC' }, NOW);
      expect(syncWindow(db, alice, now, 365)).toEqual(planted);
      updateSyncState(db, alice.id, { syncFrom: '2026-11-01T00:00:00.000Z' });
      expect(syncWindow(db, alice, now, 365)).toMatchObject({ startUtc: '2026-11-01T00:00:00.000Z' });
    });

    it('one that does not read as a window is worked out again, and replaced by a run', () => {
      const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
      const now = new Date(NOW);
      const real = syncWindow(db, alice, now, 365, { remember: true });
      const good = kept(alice.id)!;
      for (const bad of ['{', '[]', 'null', JSON.stringify({ ...good, until: 'soon' }), JSON.stringify({ ...good, window: { ...planted, endDate: 7 } }), JSON.stringify({ ...good, window: null })]) {
        updateSyncState(db, alice.id, { windowCache: bad });
        expect(syncWindow(db, alice, now, 365), bad).toEqual(real);
      }
      syncWindow(db, alice, now, 365, { remember: true });
      expect(kept(alice.id)).toEqual(good);
    });
  });
});
