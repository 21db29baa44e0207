// The SyncStore contract, run against both implementations.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveAccount } from '../../src/store/accounts.js';
import { addCategory } from '../../src/store/categories.js';
import { insertTask } from '../../src/store/due-items.js';
import { deleteEvent, getEventInput, insertEvent, replaceEvent } from '../../src/store/events.js';
import { addMatter } from '../../src/store/matters.js';
import { openStore } from '../../src/store/open.js';
import { addStaff } from '../../src/store/staff.js';
import { SqliteSyncStore } from '../../src/store/sync-store.js';
import { describe, expect, it } from 'vitest';
import { content } from '../unit/sync/fixtures.js';
import { MemorySyncStore } from '../support/memory-store.js';
import { syncStoreContract } from './sync-store.contract.js';

const NOW = '2026-11-20T12:00:00.000Z';
const when = (day: number) => {
  const ms = Date.UTC(2026, 11, day, 9);
  return { start: new Date(ms).toISOString(), end: new Date(ms + 3_600_000).toISOString() };
};

syncStoreContract('SqliteSyncStore on a SQLite file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfo-contract-'));
  const db = openStore(join(dir, 'store.db'), { now: () => new Date(NOW) });
  const staff = addStaff(db, 'alice@firm.example', 'Alice', NOW);
  saveAccount(db, { staffId: staff.id, homeAccountId: 'h', username: staff.email, tokenCache: Buffer.from('x'), connectedAt: NOW, lastRefreshAt: NOW });
  const hearing = addCategory(db, 'Motion', true, NOW).id;
  const matter = addMatter(db, 'Reyes v. Acme', [staff.id], NOW);
  return {
    store: new SqliteSyncStore(db, staff, () => new Date(NOW)),
    caseflow: {
      addEvent: (title, day, opts = {}) =>
        insertEvent(db, { staffId: staff.id, title, description: '', allDay: false, ...when(day), timeZone: 'UTC', location: '', categoryId: opts.protectedCategory ? hearing : null, matterId: opts.matter ? matter : null, teamsMeeting: false, recurrence: null, attendees: [] }, NOW),
      addTask: (title, day) => insertTask(db, { staffId: staff.id, title, description: '', matterId: null, due: { allDay: true, value: `2026-12-${String(day).padStart(2, '0')}`, timeZone: 'UTC' } }, NOW),
      editEvent: (id, title) => replaceEvent(db, id, { ...getEventInput(db, id)!, title }, NOW),
      deleteEvent: (id) => deleteEvent(db, id),
      disconnect: () => void db.prepare('DELETE FROM accounts').run(),
    },
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteSyncStore: one meeting, one event', () => {
  it("finds other staff members' events by the iCalUIds asked for, and only those", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfo-contract-'));
    const db = openStore(join(dir, 'store.db'), { now: () => new Date(NOW) });
    try {
      const alice = addStaff(db, 'alice@firm.example', 'Alice', NOW);
      const bob = addStaff(db, 'bob@firm.example', 'Bob', NOW);
      const event = (staffId: number, title: string, iCalUId: string) => {
        const id = insertEvent(db, { staffId, title, description: '', allDay: false, ...when(3), timeZone: 'UTC', location: '', categoryId: null, matterId: null, teamsMeeting: false, recurrence: null, attendees: [] }, NOW);
        new SqliteSyncStore(db, staffId === alice.id ? alice : bob, () => new Date(NOW)).setEventRemoteFacts(id, { iCalUId });
        return id;
      };
      event(alice.id, 'Own meeting', 'uid-own');
      const meeting = event(bob.id, 'Meeting', 'uid-meeting');
      event(bob.id, 'Other', 'uid-other');
      const store = new SqliteSyncStore(db, alice, () => new Date(NOW));
      expect([...store.knownICalUIds(['uid-meeting', 'uid-own', 'uid-none'])]).toEqual([['uid-meeting', meeting]]);
      expect(store.knownICalUIds([]).size).toBe(0);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

syncStoreContract('MemorySyncStore', () => {
  const store = new MemorySyncStore();
  const item = (title: string, day: number) => ({ ...content({ title, description: '', attendees: [], location: '', timeZone: 'UTC' }), ...when(day) });
  return {
    store,
    caseflow: {
      addEvent: (title, day, opts = {}) =>
        store.addItem({ kind: 'event', content: item(title, day), confidential: Boolean(opts.protectedCategory || opts.matter), protected: Boolean(opts.protectedCategory), category: opts.protectedCategory ? 'Motion' : null }).id,
      addTask: (title, day) => {
        const d = `2026-12-${String(day).padStart(2, '0')}`;
        return store.addItem({ kind: 'task', content: { ...item(`Task: ${title}`, day), allDay: true, start: d, end: d }, confidential: false, protected: false }).id;
      },
      editEvent: (id, title) => store.editItem('event', id, { ...store.items().find((i) => i.id === id)!.content, title }),
      deleteEvent: (id) => store.removeItem('event', id),
      disconnect: () => void (store.connected = false),
    },
    close: () => {},
  };
});
